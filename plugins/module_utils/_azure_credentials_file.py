# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure credentials file, ``~/.azure/credentials``, as azure.azcollection reads it: one INI section per profile.

Private to the collection. Knows no Ansible. A profile holds a service principal (``client_id``, ``tenant`` and
``secret``, or ``client_certificate_path`` / azcollection's ``x509_certificate_path``) and may name
``subscription_id`` and ``cloud_environment``::

    [default]
    subscription_id=00000000-0000-0000-0000-000000000000
    client_id=...
    secret=...
    tenant=...
"""

from __future__ import annotations

import configparser
import os

CREDENTIALS_FILE = "~/.azure/credentials"
DEFAULT_PROFILE = "default"

# Keys of a profile, with the option each one stands for.
PROFILE_KEYS = dict(
    subscription_id="subscription_id",
    client_id="client_id",
    secret="secret",
    tenant="tenant",
    cloud_environment="cloud_environment",
    client_certificate_path="client_certificate_path",
    x509_certificate_path="client_certificate_path",
    client_certificate_password="client_certificate_password",
    ad_user="ad_user",
    password="ad_password",
)


class CredentialsFileError(Exception):
    """The credentials file, or the profile asked for, cannot be read."""


def credentials_file_path():
    """Where the credentials file is for this user (``~`` expanded)."""
    return os.path.expanduser(CREDENTIALS_FILE)


def _parser(path):
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise CredentialsFileError("cannot read the credentials file %s: %s" % (path, exc.strerror or exc)) from exc
    except configparser.Error as exc:
        raise CredentialsFileError("the credentials file %s is not an INI file of [profile] sections: %s"
                                   % (path, str(exc).splitlines()[0])) from exc
    return parser


def has_profile(profile=DEFAULT_PROFILE, path=None):
    """True when the credentials file exists and has ``profile`` (an unreadable file counts as present: reading says why)."""
    path = path or credentials_file_path()
    if not os.path.exists(path):
        return False
    try:
        return _parser(path).has_section(profile)
    except CredentialsFileError:
        return True


def read_profile(profile=DEFAULT_PROFILE, path=None):
    """The options ``profile`` of the credentials file gives, by option name; CredentialsFileError when it cannot."""
    path = path or credentials_file_path()
    if not os.path.exists(path):
        raise CredentialsFileError("the credentials file %s does not exist (profile %r was asked for)" % (path, profile))
    parser = _parser(path)
    if not parser.has_section(profile):
        raise CredentialsFileError("the credentials file %s has no profile [%s] (it has: %s)"
                                   % (path, profile, ", ".join(parser.sections()) or "none"))
    values = {}
    for key, value in parser.items(profile):
        option = PROFILE_KEYS.get(key.lower())
        if option and value.strip():
            values[option] = value.strip()
    return values
