// warden-quickstart over stdio with the official SDK client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { connect } from './helpers.mjs';

describe('warden-quickstart', () => {
  let peer;
  before(async () => {
    peer = await connect('warden-quickstart');
  });
  after(async () => {
    await peer?.close();
  });

  it('identifies itself', () => {
    assert.equal(peer.client.getServerVersion().name, 'warden-quickstart');
  });

  it('echo returns the same text', async () => {
    const text = 'héllo, wörld — "quoted" \\ back\nslash';
    const result = await peer.client.callTool({ name: 'echo', arguments: { text } });
    assert.deepEqual(result.content, [{ type: 'text', text }]);
  });

  it('echo without text is an isError result', async () => {
    const result = await peer.client.callTool({ name: 'echo', arguments: {} });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /text/);
  });

  it('convert_temperature has an output schema and returns structured content', async () => {
    const { tools } = await peer.client.listTools();
    const tool = tools.find((t) => t.name === 'convert_temperature');
    assert.equal(tool.outputSchema.type, 'object');
    assert.deepEqual(tool.outputSchema.properties.unit.enum, ['celsius', 'fahrenheit']);
    assert.deepEqual(tool.inputSchema.required.sort(), ['to', 'value']);

    const result = await peer.client.callTool({
      name: 'convert_temperature',
      arguments: { value: 100, to: 'fahrenheit' },
    });
    assert.deepEqual(result.structuredContent, { value: 212, unit: 'fahrenheit' });
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);

    const back = await peer.client.callTool({
      name: 'convert_temperature',
      arguments: { value: 212, to: 'celsius' },
    });
    assert.deepEqual(back.structuredContent, { value: 100, unit: 'celsius' });
  });

  it('a result that overflows to infinity is an isError result, and valid JSON (issue 15)', async () => {
    // 1e308 * 9 / 5 + 32 is +inf in IEEE 754; JSON cannot carry it.
    const result = await peer.client.callTool({
      name: 'convert_temperature',
      arguments: { value: 1e308, to: 'fahrenheit' },
    });
    assert.equal(result.isError, true, JSON.stringify(result));
    assert.match(result.content[0].text, /not finite/);
    assert.equal(result.structuredContent, undefined);
    const echo = await peer.client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    assert.equal(echo.content[0].text, 'still here');
  });

  it('convert_temperature refuses a unit outside its enum', async () => {
    const result = await peer.client.callTool({
      name: 'convert_temperature',
      arguments: { value: 1, to: 'kelvin' },
    });
    assert.equal(result.isError, true);
  });

  it('countdown reports progress for each step, then liftoff', async () => {
    const progress = [];
    const result = await peer.client.callTool(
      { name: 'countdown', arguments: { from: 3, delay_ms: 20 } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    assert.equal(result.content[0].text, 'liftoff');
    assert.deepEqual(
      progress.map((p) => [p.progress, p.total, p.message]),
      [
        [0, 3, '3...'],
        [1, 3, '2...'],
        [2, 3, '1...'],
      ],
    );
  });

  it('serves its readme resource and greet prompt', async () => {
    const { contents } = await peer.client.readResource({ uri: 'quickstart://readme' });
    assert.match(contents[0].text, /^# Quickstart/);
    const { messages } = await peer.client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    assert.match(messages[0].content.text, /Ada$/);
  });
});
