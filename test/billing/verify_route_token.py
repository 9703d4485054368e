#!/usr/bin/env python3
"""An independent route-token verifier for callx's tests, as a gateway would check a token
offline: PyJWT and cryptography as Debian ships them (python3-jwt, python3-cryptography), nothing
of callx's (the same tools as test/trust/verify_passport.py).

Usage: verify_route_token.py <token> <JWKS URL> <audience> <issuer>
Fetches the JWK Set over HTTP, takes the key named by the token's kid, checks it is a P-256
key, verifies the ES256 signature, iss, aud, exp and nbf, and prints one JSON line:
{"ok": true, "header": {...}, "claims": {...}}
or {"ok": false, "error": "<exception class>", "detail": "..."} with exit status 1.
"""
import json
import sys

import jwt
from cryptography.hazmat.primitives.asymmetric import ec


def main():
    token, jwks_url, audience, issuer = sys.argv[1:5]
    try:
        header = jwt.get_unverified_header(token)
        key = jwt.PyJWKClient(jwks_url, cache_keys=False).get_signing_key_from_jwt(token).key
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise ValueError("the JWKS key is not a P-256 key")
        claims = jwt.decode(token, key, algorithms=["ES256"], audience=audience, issuer=issuer,
                            options={"require": ["exp", "nbf", "iat", "jti", "aud", "iss"]})
    except Exception as e:  # noqa: BLE001 - the verdict is printed, whatever failed
        print(json.dumps({"ok": False, "error": type(e).__name__, "detail": str(e)}))
        sys.exit(1)
    print(json.dumps({"ok": True, "header": header, "claims": claims}))


main()
