#!/usr/bin/env python3
"""auth_csv.py HOST PORT N OUT.csv [DESTS]: SIPp's injection file for uac_auth_nc.xml.

A UA that keeps its nonce (RFC 7616 §3.4.5: the nonce count nc goes up with each request) sends
every INVITE after the first with credentials, without a 401 round trip; SIPp 3.6 answers only the
challenge of its own call, so this computes those credentials ahead: one nonce asked of the server
(an INVITE the server challenges), then N lines `destination;Authorization: ...` with nc 1..N,
kim's MD5 digest (password bench-pw, realm callx.test) for the Request-URI
sip:<destination>@HOST:PORT. DESTS (default 10000) London numbers +4420700xxxxx in turn, so the
PASSporT of each call is signed (no two calls to one number within a second below DESTS calls/s).
"""
import hashlib, re, socket, sys, uuid

host, port, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ndest = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
dests = [f"+4420700{i:05d}" for i in range(ndest)]
md5 = lambda s: hashlib.md5(s.encode()).hexdigest()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); s.settimeout(3)
lp, cid = s.getsockname()[1], uuid.uuid4().hex
s.sendto((f"INVITE sip:{dests[0]}@{host}:{port} SIP/2.0\r\n"
          f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK{cid[:12]}\r\n"
          f"From: <sip:+82262006200@127.0.0.1:{lp}>;tag={cid[:8]}\r\nTo: <sip:{dests[0]}@{host}>\r\n"
          f"Call-ID: {cid}\r\nCSeq: 1 INVITE\r\nContact: <sip:probe@127.0.0.1:{lp}>\r\n"
          "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), (host, port))
answer = s.recv(65535).decode(errors="replace")
md5ch = [l for l in answer.split("\r\n") if l.lower().startswith("www-authenticate:") and "MD5" in l]
if not answer.startswith("SIP/2.0 401") or not md5ch:
    sys.exit(f"auth_csv: {host}:{port} did not challenge with MD5: {answer.splitlines()[0] if answer else '-'}")
nonce = re.search(r'nonce="([^"]+)"', md5ch[0]).group(1)

ha1 = md5("kim:callx.test:bench-pw")
ha2 = {}
with open(out, "w") as f:
    f.write("SEQUENTIAL\n")
    for i in range(n):
        d = dests[i % ndest]
        uri = f"sip:{d}@{host}:{port}"
        if uri not in ha2: ha2[uri] = md5(f"INVITE:{uri}")
        nc = f"{i + 1:08x}"
        resp = md5(f"{ha1}:{nonce}:{nc}:c:auth:{ha2[uri]}")
        f.write(f'{d};Authorization: Digest username="kim", realm="callx.test", nonce="{nonce}", '
                f'uri="{uri}", response="{resp}", algorithm=MD5, qop=auth, nc={nc}, cnonce="c"\n')
