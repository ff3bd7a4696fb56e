"""The lab's certificate authority and its server certificate.

A CA is made at each start; the server certificate names localhost,
127.0.0.1 (ASR), 127.0.0.2 (vCenter) and 127.0.0.3 (the standalone ESXi). The bundle the clients trust is the system bundle
plus this CA, so exporting it as REQUESTS_CA_BUNDLE breaks nothing else.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem")


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "siterecovery.vmware lab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def system_bundle():
    """The system CA bundle: the file SSL_CERT_FILE names, or a usual place."""
    for path in (os.environ.get("SSL_CERT_FILE"),) + SYSTEM_BUNDLES:
        if path and os.path.isfile(path):
            return pathlib.Path(path)
    return None


def make_certificates(directory, hosts=("localhost",), addresses=("127.0.0.1", "127.0.0.2", "127.0.0.3"), days=2):
    """Write ca.pem, server.pem, server-key.pem and ca-bundle.pem into ``directory``; return their paths."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("siterecovery.vmware lab CA"))
        .issuer_name(_name("siterecovery.vmware lab CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(h) for h in hosts] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    server = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0] if hosts else addresses[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = dict(
        ca=directory / "ca.pem",
        cert=directory / "server.pem",
        key=directory / "server-key.pem",
        bundle=directory / "ca-bundle.pem",
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    paths["ca"].write_bytes(ca_pem)
    paths["cert"].write_bytes(server.public_bytes(serialization.Encoding.PEM) + ca_pem)
    paths["key"].write_bytes(_pem_key(key))
    paths["key"].chmod(0o600)
    system = system_bundle()
    paths["bundle"].write_bytes((system.read_bytes() if system else b"") + b"\n" + ca_pem)
    return paths
