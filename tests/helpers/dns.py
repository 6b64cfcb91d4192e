#!/usr/bin/env python3
# A DNS responder for tests: every A query gets 10.1.2.3 (port from argv).
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    q, peer = s.recvfrom(512)
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    qtype = struct.unpack(">H", q[end + 1:end + 3])[0]
    ans = b""
    if qtype == 1:
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("10.1.2.3")
    r = struct.pack(">HHHHHH", qid, 0x8180, 1, 1 if ans else 0, 0, 0) + question + ans
    s.sendto(r, peer)
