#!/usr/bin/env python3
"""An independent PASSporT verifier (RFC 8225, SHAKEN RFC 8588) for callx's tests: PyJWT and
cryptography as Debian ships them (python3-jwt, python3-cryptography), nothing of callx's.

Usage: verify_passport.py <Identity header value>
Fetches the certificate from the x5u URL in the PASSporT header, checks it is a P-256 key,
verifies the ES256 signature with PyJWT and prints one JSON line:
{"ok": true, "header": {...}, "claims": {...}, "canonical": true|false, "info": "<uri>"}
or {"ok": false, "error": "<exception class>", "detail": "..."} with exit status 1.
"""
import base64
import json
import sys
import urllib.request

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def main():
    value = sys.argv[1]
    token, *params = value.split(";")
    named = dict(p.split("=", 1) for p in params if "=" in p)
    try:
        header = jwt.get_unverified_header(token)
        with urllib.request.urlopen(header["x5u"], timeout=5) as r:
            cert = x509.load_pem_x509_certificate(r.read())
        key = cert.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise ValueError("the x5u certificate is not a P-256 key")
        claims = jwt.decode(token, key, algorithms=["ES256"], options={"verify_aud": False})
    except Exception as e:  # noqa: BLE001 - the verdict is printed, whatever failed
        print(json.dumps({"ok": False, "error": type(e).__name__, "detail": str(e)}))
        sys.exit(1)
    payload = b64url_decode(token.split(".")[1]).decode()
    canonical = payload == json.dumps(claims, sort_keys=True, separators=(",", ":"))
    print(json.dumps({"ok": True, "header": header, "claims": claims, "canonical": canonical,
                      "info": named.get("info"), "alg": named.get("alg"), "ppt": named.get("ppt")}))


main()
