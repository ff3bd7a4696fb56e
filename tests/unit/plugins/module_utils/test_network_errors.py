# -*- coding: utf-8 -*-
"""What a person reads when a server cannot be reached (issue #16): Azure Resource Manager, the cloud metadata, the login
endpoint (azure-identity) and vCenter (pyvmomi). The exceptions are the libraries' own, raised by real connections to
loopback sockets (nothing listening, a server that resets, one that never answers) or, for a certificate, built the way
urllib3, requests and azure-core wrap it."""

from __future__ import annotations

import socket
import ssl
import struct
import threading

import pytest
import requests
import urllib3
from azure.core import PipelineClient
from azure.core.exceptions import ServiceRequestError
from azure.core.pipeline.policies import RetryPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from pyVim.connect import SmartConnect

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import cloud_endpoints
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, from_exception, network_problem
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import transient
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import VSphereClient

TENANT = "8c3dad1d-b6bc-4f8b-939b-8263372eced6"
CLIENT = "0c8e1f9a-3b57-4d2e-9a61-5e0d7c4b2f10"
MISLEADING = ("REQUESTS_CA_BUNDLE", "AzureCloud", "check tenant, client_id and secret")


def closed_port():
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A loopback TCP server that resets each connection (``reset``) or accepts it and never answers."""

    def __init__(self, reset):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.kept = []
        self.reset = reset
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            if self.reset:  # linger 0: close() sends RST
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.recv(16)
                conn.close()
            else:
                self.kept.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.kept:
            conn.close()


@pytest.fixture
def resetting():
    server = Server(reset=True)
    yield server
    server.close()


@pytest.fixture
def silent():
    server = Server(reset=False)
    yield server
    server.close()


def arm_read(url):
    """A GET through azure-core's requests transport, as the SDK sends it; the SiteRecoveryError it ends in."""
    client = PipelineClient(url, policies=[RetryPolicy(retry_total=0)], transport=RequestsTransport())
    with pytest.raises(Exception) as caught:
        client.send_request(HttpRequest("GET", url), connection_timeout=0.5, read_timeout=0.5)
    return from_exception(caught.value, "reading job j1 of vault vault-dr")


def untrusted_chain():
    """azure-core's ServiceRequestError around requests' and urllib3's SSLError around ssl's verification error, as raised
    for a server whose certificate no CA of the bundle signed."""
    verify = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in "
                                             "certificate chain (_ssl.c:1020)")
    verify.verify_message = "self-signed certificate in certificate chain"
    inner = urllib3.exceptions.SSLError(verify)
    outer = requests.exceptions.SSLError(inner)
    return ServiceRequestError(str(verify), error=outer)


def assert_plain(error, *words):
    text = error.to_result()["msg"]
    for word in words:
        assert word in text, text
    for word in MISLEADING:
        assert word not in text, text


def test_refused_says_nothing_listens_and_is_read_again():
    port = closed_port()
    error = arm_read("https://127.0.0.1:%d/" % port)
    assert_plain(error, "Could not reach Azure Resource Manager while reading job j1 of vault vault-dr",
                 "nothing listens at 127.0.0.1:%d (connection refused)" % port)
    assert error.network == "refused" and transient(error)


def test_reset_says_the_connection_was_reset(resetting):
    error = arm_read("https://127.0.0.1:%d/" % resetting.port)
    assert_plain(error, "the connection to 127.0.0.1:%d was reset" % resetting.port)
    assert error.network == "reset" and transient(error)


def test_name_not_resolved_says_dns():
    error = arm_read("https://no-such-host.invalid/")
    assert_plain(error, "the host name no-such-host.invalid cannot be resolved (DNS")
    assert error.network == "dns" and transient(error)


def test_no_answer_says_timeout(silent):
    error = arm_read("https://127.0.0.1:%d/" % silent.port)
    assert_plain(error, "127.0.0.1:%d did not answer in time" % silent.port)
    assert error.network == "timeout" and transient(error)


def test_untrusted_certificate_names_the_ca_bundle_and_is_not_read_again():
    error = from_exception(untrusted_chain(), "listing the fabrics of vault vault-dr")
    text = error.to_result()["msg"]
    assert "is not trusted (self-signed certificate in certificate chain)" in text
    assert "REQUESTS_CA_BUNDLE" in text and "AzureCloud" not in text
    assert error.code == "CertificateVerifyFailed" and not transient(error)


def test_other_errors_are_not_network_problems():
    assert network_problem(ValueError("no")) is None
    assert network_problem(KeyError("x")) is None


def test_cloud_metadata_refused_gives_no_cloud_name_hint():
    port = closed_port()
    with pytest.raises(SiteRecoveryError) as caught:
        cloud_endpoints("https://127.0.0.1:%d/" % port)
    assert_plain(caught.value, "Could not reach the cloud metadata endpoint", "nothing listens at 127.0.0.1:%d" % port)
    assert transient(caught.value)


def test_cloud_name_unknown_keeps_its_hint():
    with pytest.raises(SiteRecoveryError) as caught:
        cloud_endpoints("AzureMoon")
    assert "use AzureCloud, AzureUSGovernment, AzureChinaCloud" in caught.value.to_result()["msg"]


@pytest.mark.parametrize("server", ["refused", "reset"])
def test_login_endpoint_unreachable_blames_no_credential(server, resetting):
    port = closed_port() if server == "refused" else resetting.port
    credential = ClientSecretCredential(TENANT, CLIENT, "not-a-secret", authority="https://127.0.0.1:%d/" % port, disable_instance_discovery=True,
                                        retry_total=0)
    with pytest.raises(Exception) as caught:
        credential.get_token("https://management.azure.com/.default")
    error = from_exception(caught.value, "reading job j1")
    assert_plain(error, "Could not reach the Azure login endpoint while getting a token for reading job j1",
                 "nothing listens at 127.0.0.1:%d" % port if server == "refused" else "was reset")
    assert "AZURE_AUTHORITY_HOST" in error.to_result()["msg"] and transient(error)
    assert "not-a-secret" not in error.to_result()["msg"]


@pytest.mark.parametrize("server, words", [("refused", "nothing listens at 127.0.0.1:%d (connection refused)"),
                                           ("reset", "the connection to 127.0.0.1:%d was reset")])
def test_vcenter_unreachable(server, words, resetting):
    port = closed_port() if server == "refused" else resetting.port
    with pytest.raises(SiteRecoveryError) as caught:
        VSphereClient.connect("127.0.0.1", "administrator@vsphere.local", "pw", port=port, timeout=5)
    text = caught.value.to_result()["msg"]
    assert ("vSphere: cannot reach 127.0.0.1:%d: " % port) + (words % port) in text, text
    assert "VMWARE_PORT" in text and caught.value.code == "Unreachable"


def test_vcenter_name_not_resolved():
    with pytest.raises(SiteRecoveryError) as caught:
        VSphereClient.connect("no-such-host.invalid", "u", "pw", timeout=5)
    assert "the host name no-such-host.invalid cannot be resolved" in caught.value.to_result()["msg"]


def test_smartconnect_raises_what_the_client_expects():
    # The client's except clauses rely on pyvmomi letting the socket's own error through.
    with pytest.raises(ConnectionRefusedError):
        SmartConnect(host="127.0.0.1", port=closed_port(), user="u", pwd="p", sslContext=ssl.create_default_context(), httpConnectionTimeout=5)
