#!/usr/bin/env python3
"""Opens idle sessions on a stateful Warden server: COUNT initialize POSTs over one keep-alive
connection, each with the bearer token; prints how many sessions were created.
Usage: sessions.py PORT COUNT TOKEN"""
import http.client
import json
import sys

port, count, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                              "clientInfo": {"name": "bench", "version": "1"}}})
headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "Authorization": "Bearer " + token}
conn = http.client.HTTPConnection("127.0.0.1", port)
created = 0
for _ in range(count):
    conn.request("POST", "/mcp", body, headers)
    r = conn.getresponse()
    r.read()
    if r.status == 200 and r.getheader("Mcp-Session-Id"):
        created += 1
print(created)
