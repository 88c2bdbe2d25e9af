// The peer: the same `echo` tool served with the official MCP TypeScript SDK, in the SDK's
// documented stateless pattern (a new McpServer and StreamableHTTPServerTransport per request,
// JSON responses), with bearer JWTs verified by `jose` (jwtVerify + createLocalJWKSet, the same
// issuer and audience checks as Warden) through the SDK's requireBearerAuth middleware.
// Environment: PORT, and for auth JWKS_FILE, ISSUER, AUDIENCE (no JWKS_FILE: auth off).
import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as z from 'zod/v4';

const port = Number(process.env.PORT ?? 3000);

function getServer() {
    const server = new McpServer({ name: 'peer', version: '1.0.0' });
    server.registerTool(
        'echo',
        { description: 'Echo the text back', inputSchema: { text: z.string().describe('The text to send back') } },
        async ({ text }) => ({ content: [{ type: 'text', text }] }),
    );
    return server;
}

const app = createMcpExpressApp({ host: '127.0.0.1' });
const handlers = [];
if (process.env.JWKS_FILE) {
    const jwks = createLocalJWKSet(JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')));
    const options = {
        issuer: process.env.ISSUER,
        audience: process.env.AUDIENCE,
        algorithms: ['ES256', 'RS256'],
    };
    const verifier = {
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
                throw new InvalidTokenError('invalid token');
            }
        },
    };
    handlers.push(requireBearerAuth({ verifier }));
}

app.post('/mcp', ...handlers, async (req, res) => {
    const server = getServer();
    try {
        const transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: undefined,
            enableJsonResponse: true,
        });
        res.on('close', () => {
            transport.close();
            server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, req.body);
    } catch {
        if (!res.headersSent)
            res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
});

app.listen(port, '127.0.0.1', (error) => {
    if (error) {
        console.error(error);
        process.exit(1);
    }
    console.error(`peer serving MCP at http://127.0.0.1:${port}/mcp`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
