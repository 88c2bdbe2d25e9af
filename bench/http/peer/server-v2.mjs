// The second peer: the same `echo` tool served with the TypeScript SDK v2
// (@modelcontextprotocol/server 2.4.0) in its documented 2026-07-28 pattern: a server factory
// given to createMcpHandler (a fresh McpServer per request), behind the SDK's web-standard requireBearerAuth gate, with bearer JWTs verified
// by `jose` exactly as the v1 peer does (jwtVerify + createLocalJWKSet, the same issuer,
// audience and algorithms as Warden).
//
// The handler is web-standard (Request -> Response). The SDK's docs wrap it for node:http
// with toNodeHandler from @modelcontextprotocol/node, which is not among the pinned
// packages; the few lines below do that job (read the body, build a Request, write the
// Response back).
// Environment: PORT, and for auth JWKS_FILE, ISSUER, AUDIENCE (no JWKS_FILE: auth off).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import {
    createMcpHandler,
    McpServer,
    OAuthError,
    OAuthErrorCode,
    requireBearerAuth,
} from '@modelcontextprotocol/server';
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as z from 'zod/v4';

const port = Number(process.env.PORT ?? 3000);

function createServer() {
    const server = new McpServer({ name: 'peer-v2', version: '1.0.0' });
    server.registerTool(
        'echo',
        {
            description: 'Echo the text back',
            inputSchema: z.object({ text: z.string().describe('The text to send back') }),
        },
        async ({ text }) => ({ content: [{ type: 'text', text }] }),
    );
    return server;
}

// The defaults: 2025-era requests served statelessly beside 2026-07-28, and a JSON answer
// unless the handler sends notifications first.
const handler = createMcpHandler(createServer);

let gate = null;
if (process.env.JWKS_FILE) {
    const jwks = createLocalJWKSet(JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')));
    const options = {
        issuer: process.env.ISSUER,
        audience: process.env.AUDIENCE,
        algorithms: ['ES256', 'RS256'],
    };
    gate = requireBearerAuth({
        verifier: {
            async verifyAccessToken(token) {
                try {
                    const { payload } = await jwtVerify(token, jwks, options);
                    if (typeof payload.sub !== 'string') throw new Error('no sub');
                    return {
                        token,
                        clientId: String(payload.client_id ?? payload.azp ?? ''),
                        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
                        expiresAt: payload.exp,
                        extra: { sub: payload.sub },
                    };
                } catch {
                    throw new OAuthError(OAuthErrorCode.InvalidToken, 'invalid token');
                }
            },
        },
    });
}

async function serve(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
    });
    let response;
    if (gate) {
        const auth = await gate(request);
        response = auth instanceof Response ? auth : await handler.fetch(request, { authInfo: auth });
    } else {
        response = await handler.fetch(request);
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
}

http
    .createServer((req, res) => {
        serve(req, res).catch(() => {
            if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
            res.end('{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal server error"},"id":null}');
        });
    })
    .listen(port, '127.0.0.1', () => {
        console.error(`peer-v2 serving MCP at http://127.0.0.1:${port}/mcp`);
    });
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
