// Every tool of warden-everything, called through the official SDK client over stdio.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { connect, echoSampling, PNG_SIGNATURE } from './helpers.mjs';

const EXPECTED_TOOLS = [
  'json_schema_2020_12_tool',
  'test_audio_content',
  'test_custom_headers',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'test_embedded_resource',
  'test_error_handling',
  'test_image_content',
  'test_input_required_result_capabilities',
  'test_input_required_result_elicitation',
  'test_input_required_result_list_roots',
  'test_input_required_result_multi_round',
  'test_input_required_result_multiple_inputs',
  'test_input_required_result_request_state',
  'test_input_required_result_sampling',
  'test_input_required_result_tampered_state',
  'test_logging_tool',
  'test_missing_capability',
  'test_multiple_content_types',
  'test_reconnection',
  'test_sampling',
  'test_simple_text',
  'test_streaming_elicitation',
  'test_tool_with_logging',
  'test_tool_with_progress',
  'test_trigger_prompt_change',
  'test_trigger_tool_change',
];

describe('warden-everything tools', () => {
  let peer;
  const samplingRequests = [];
  const elicitRequests = [];
  const logs = [];

  before(async () => {
    peer = await connect('warden-everything', {
      capabilities: { sampling: {}, elicitation: {} },
      setup(client) {
        client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
          samplingRequests.push(request);
          return echoSampling(request);
        });
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          elicitRequests.push(request);
          const properties = Object.keys(request.params.requestedSchema.properties);
          if (properties.includes('username'))
            return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
          if (properties.includes('verified')) return { action: 'decline' };
          return { action: 'accept', content: { untitledSingle: 'option2', titledMulti: ['value3'] } };
        });
        client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
      },
    });
  });
  after(async () => {
    await peer?.close();
  });

  const call = (name, args = {}, options) =>
    peer.client.callTool({ name, arguments: args }, undefined, options);

  it('lists exactly the conformance tools, each with a description and an object schema', async () => {
    const { tools } = await peer.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), EXPECTED_TOOLS);
    for (const tool of tools) {
      assert.ok(tool.description?.length > 0, `${tool.name} has a description`);
      assert.equal(tool.inputSchema.type, 'object', `${tool.name} schema type`);
    }
    const sampling = tools.find((t) => t.name === 'test_sampling');
    assert.deepEqual(sampling.inputSchema.required, ['prompt']);
    assert.equal(sampling.inputSchema.properties.prompt.type, 'string');
  });

  it('keeps the JSON Schema 2020-12 keywords of json_schema_2020_12_tool as written', async () => {
    const { tools } = await peer.client.listTools();
    const schema = tools.find((t) => t.name === 'json_schema_2020_12_tool').inputSchema;
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(Object.keys(schema.$defs), ['address']);
    assert.equal(schema.properties.address.$ref, '#/$defs/address');
    assert.equal(schema.additionalProperties, false);
  });

  it('test_simple_text returns one text block', async () => {
    const result = await call('test_simple_text');
    assert.deepEqual(result.content, [
      { type: 'text', text: 'This is a simple text response for testing.' },
    ]);
    assert.notEqual(result.isError, true);
  });

  it('test_image_content returns a PNG image', async () => {
    const { content } = await call('test_image_content');
    assert.equal(content.length, 1);
    assert.equal(content[0].type, 'image');
    assert.equal(content[0].mimeType, 'image/png');
    assert.ok(Buffer.from(content[0].data, 'base64').subarray(0, 8).equals(PNG_SIGNATURE));
  });

  it('test_audio_content returns audio/wav', async () => {
    const { content } = await call('test_audio_content');
    assert.equal(content[0].type, 'audio');
    assert.equal(content[0].mimeType, 'audio/wav');
    const bytes = Buffer.from(content[0].data, 'base64');
    assert.equal(bytes.subarray(0, 4).toString('ascii'), 'RIFF');
    assert.equal(bytes.subarray(8, 12).toString('ascii'), 'WAVE');
  });

  it('test_embedded_resource returns an embedded text resource', async () => {
    const { content } = await call('test_embedded_resource');
    assert.deepEqual(content, [
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ]);
  });

  it('test_multiple_content_types returns text, image and resource in order', async () => {
    const { content } = await call('test_multiple_content_types');
    assert.deepEqual(
      content.map((c) => c.type),
      ['text', 'image', 'resource'],
    );
    assert.equal(content[2].resource.mimeType, 'application/json');
    assert.deepEqual(JSON.parse(content[2].resource.text), { test: 'data', value: 123 });
  });

  it('test_error_handling returns an isError result with a message', async () => {
    const result = await call('test_error_handling');
    assert.equal(result.isError, true);
    assert.equal(result.content[0].text, 'This tool intentionally returns an error for testing');
  });

  it('test_tool_with_logging sends three info logs before its result', async () => {
    await peer.client.setLoggingLevel('debug');
    const before = logs.length;
    const result = await call('test_tool_with_logging');
    assert.equal(result.content[0].text, 'Tool with logging executed successfully');
    const received = logs.slice(before);
    assert.deepEqual(
      received.map((l) => l.data),
      ['Tool execution started', 'Tool processing data', 'Tool execution completed'],
    );
    assert.ok(received.every((l) => l.level === 'info'));
  });

  it('filters logs below the level set with logging/setLevel', async () => {
    await peer.client.setLoggingLevel('warning');
    try {
      const before = logs.length;
      await call('test_tool_with_logging');
      assert.equal(logs.length, before);
    } finally {
      await peer.client.setLoggingLevel('debug');
    }
  });

  it('test_tool_with_progress sends increasing progress for the request token', async () => {
    const progress = [];
    const result = await call('test_tool_with_progress', {}, { onprogress: (p) => progress.push(p) });
    assert.equal(result.content[0].text, 'Tool with progress executed successfully');
    assert.deepEqual(
      progress.map((p) => [p.progress, p.total]),
      [
        [0, 100],
        [50, 100],
        [100, 100],
      ],
    );
    const request = peer.transport.sent.findLast((m) => m.params?.name === 'test_tool_with_progress');
    const token = request.params._meta.progressToken;
    const notes = peer.transport.received.filter(
      (m) => m.method === 'notifications/progress' && m.params.progressToken === token,
    );
    assert.equal(notes.length, 3);
  });

  it('test_tool_with_progress sends no progress without a token', async () => {
    const before = peer.transport.received.length;
    await call('test_tool_with_progress');
    const notes = peer.transport.received
      .slice(before)
      .filter((m) => m.method === 'notifications/progress');
    assert.equal(notes.length, 0);
  });

  it('test_sampling asks the client model and returns its answer', async () => {
    const result = await call('test_sampling', { prompt: 'What is 2+2?' });
    assert.equal(result.content[0].text, 'LLM response: echo:What is 2+2?');
    const request = samplingRequests.at(-1).params;
    assert.equal(request.maxTokens, 100);
    assert.deepEqual(request.messages, [
      { role: 'user', content: { type: 'text', text: 'What is 2+2?' } },
    ]);
  });

  it('test_elicitation asks the user and returns the accepted content', async () => {
    const result = await call('test_elicitation', { message: 'Who are you?' });
    assert.equal(
      result.content[0].text,
      'User response: action=accept, content={"username":"ada","email":"ada@example.com"}',
    );
    const request = elicitRequests.at(-1).params;
    assert.equal(request.message, 'Who are you?');
    assert.equal(request.mode, 'form');
    assert.deepEqual(request.requestedSchema.required, ['username', 'email']);
  });

  it('test_elicitation_sep1034_defaults sends a default for every primitive type', async () => {
    const result = await call('test_elicitation_sep1034_defaults');
    assert.equal(result.content[0].text, 'Elicitation completed: action=decline, content={}');
    const p = elicitRequests.at(-1).params.requestedSchema.properties;
    assert.deepEqual(
      [p.name.default, p.age.default, p.score.default, p.status.default, p.verified.default],
      ['John Doe', 30, 95.5, 'active', true],
    );
    assert.equal(p.age.type, 'integer');
    assert.ok(p.status.enum.includes(p.status.default));
  });

  it('test_elicitation_sep1330_enums sends all five enum forms', async () => {
    const result = await call('test_elicitation_sep1330_enums');
    assert.match(result.content[0].text, /^Elicitation completed: action=accept, content=\{/);
    assert.match(result.content[0].text, /"untitledSingle":"option2"/);
    const p = elicitRequests.at(-1).params.requestedSchema.properties;
    assert.deepEqual(p.untitledSingle.enum, ['option1', 'option2', 'option3']);
    assert.ok(p.titledSingle.oneOf.every((o) => typeof o.const === 'string' && o.title));
    assert.equal(p.titledSingle.enum, undefined);
    assert.equal(p.legacyEnum.enumNames.length, p.legacyEnum.enum.length);
    assert.equal(p.untitledMulti.type, 'array');
    assert.deepEqual(p.untitledMulti.items.enum, ['option1', 'option2', 'option3']);
    assert.ok(p.titledMulti.items.anyOf.every((o) => typeof o.const === 'string' && o.title));
  });

  it('json_schema_2020_12_tool accepts arguments that fit its schema', async () => {
    const args = { name: 'Ada', address: { street: '1 Main St', city: 'London' } };
    const result = await call('json_schema_2020_12_tool', args);
    assert.notEqual(result.isError, true);
    assert.equal(result.content[0].text, `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`);
  });

  it('json_schema_2020_12_tool refuses properties its schema forbids', async () => {
    const result = await call('json_schema_2020_12_tool', { nickname: 'x' });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /nickname/);
  });

  it('test_reconnection completes over stdio', async () => {
    const result = await call('test_reconnection');
    assert.match(result.content[0].text, /^Reconnection test completed successfully/);
  });

  it('reports invalid arguments as an isError result, not a protocol error', async () => {
    const missing = await call('test_sampling', {});
    assert.equal(missing.isError, true);
    assert.match(missing.content[0].text, /prompt/);
    const wrongType = await call('test_elicitation', { message: 42 });
    assert.equal(wrongType.isError, true);
    assert.match(wrongType.content[0].text, /message/);
  });

  it('answers an unknown tool with a JSON-RPC error', async () => {
    await assert.rejects(call('no_such_tool'), (error) => {
      assert.equal(error.code, -32602);
      return true;
    });
  });
});

describe('warden-everything tools without client capabilities', () => {
  let peer;
  before(async () => {
    peer = await connect('warden-everything');
  });
  after(async () => {
    await peer?.close();
  });

  it('test_sampling fails as a tool error when the client cannot sample', async () => {
    const result = await peer.client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /^Sampling not supported or error: /);
    assert.equal(peer.transport.received.some((m) => m.method === 'sampling/createMessage'), false);
  });

  it('test_elicitation fails as a tool error when the client cannot elicit', async () => {
    const result = await peer.client.callTool({
      name: 'test_elicitation',
      arguments: { message: 'hi' },
    });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /^Elicitation not supported or error: /);
  });
});
