// Resources, subscriptions, prompts and completions of warden-everything over stdio.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { connect, waitFor, PNG_SIGNATURE } from './helpers.mjs';

describe('warden-everything resources', () => {
  let peer;
  const updates = [];
  before(async () => {
    peer = await connect('warden-everything', {
      env: { WARDEN_EVERYTHING_WATCH_MS: '50' },
      setup(client) {
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) =>
          updates.push(n.params),
        );
      },
    });
  });
  after(async () => {
    await peer?.close();
  });

  it('lists the static and watched resources with names and descriptions', async () => {
    const { resources } = await peer.client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), [
      'test://static-binary',
      'test://static-text',
      'test://watched-resource',
    ]);
    for (const r of resources) {
      assert.ok(r.name, `${r.uri} name`);
      assert.ok(r.description, `${r.uri} description`);
      assert.ok(r.mimeType, `${r.uri} mimeType`);
    }
  });

  it('lists the template', async () => {
    const { resourceTemplates } = await peer.client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['test://template/{id}/data']);
    assert.equal(resourceTemplates[0].mimeType, 'application/json');
  });

  it('reads test://static-text as text', async () => {
    const { contents } = await peer.client.readResource({ uri: 'test://static-text' });
    assert.deepEqual(contents, [
      {
        uri: 'test://static-text',
        mimeType: 'text/plain',
        text: 'This is the content of the static text resource.',
      },
    ]);
  });

  it('reads test://static-binary as a PNG blob', async () => {
    const { contents } = await peer.client.readResource({ uri: 'test://static-binary' });
    assert.equal(contents.length, 1);
    assert.equal(contents[0].mimeType, 'image/png');
    assert.equal(contents[0].text, undefined);
    assert.ok(Buffer.from(contents[0].blob, 'base64').subarray(0, 8).equals(PNG_SIGNATURE));
  });

  it('reads the template with the id substituted', async () => {
    for (const id of ['123', 'abc']) {
      const uri = `test://template/${id}/data`;
      const { contents } = await peer.client.readResource({ uri });
      assert.equal(contents[0].uri, uri);
      assert.deepEqual(JSON.parse(contents[0].text), {
        id,
        templateTest: true,
        data: `Data for ID: ${id}`,
      });
    }
  });

  it('answers an unknown resource with resource not found (-32002)', async () => {
    for (const uri of ['test://nothing-here', 'test://template//data', 'test://template/1/2/data']) {
      await assert.rejects(peer.client.readResource({ uri }), (error) => {
        assert.equal(error.code, -32002, uri);
        return true;
      });
    }
  });

  it('sends updates for a subscribed resource and stops after unsubscribe', async () => {
    const first = (await peer.client.readResource({ uri: 'test://watched-resource' })).contents[0];
    assert.deepEqual(await peer.client.subscribeResource({ uri: 'test://watched-resource' }), {});
    await waitFor(() => updates.length >= 2, 5000, 'two resources/updated notifications');
    assert.ok(updates.every((u) => u.uri === 'test://watched-resource'));
    const later = (await peer.client.readResource({ uri: 'test://watched-resource' })).contents[0];
    assert.notEqual(later.text, first.text, 'the watched resource changed');

    assert.deepEqual(await peer.client.unsubscribeResource({ uri: 'test://watched-resource' }), {});
    await new Promise((resolve) => setTimeout(resolve, 100));  // in-flight updates drain
    const count = updates.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(updates.length, count, 'no updates after unsubscribe');
  });
});

describe('warden-everything prompts and completions', () => {
  let peer;
  before(async () => {
    peer = await connect('warden-everything');
  });
  after(async () => {
    await peer?.close();
  });

  it('lists the five prompts with descriptions and their arguments', async () => {
    const { prompts } = await peer.client.listPrompts();
    const byName = Object.fromEntries(prompts.map((p) => [p.name, p]));
    assert.deepEqual(Object.keys(byName).sort(), [
      'test_input_required_result_prompt',
      'test_prompt_with_arguments',
      'test_prompt_with_embedded_resource',
      'test_prompt_with_image',
      'test_simple_prompt',
    ]);
    for (const p of prompts) assert.ok(p.description?.length > 0, `${p.name} description`);
    assert.deepEqual(
      byName.test_prompt_with_arguments.arguments.map((a) => [a.name, a.required]),
      [
        ['arg1', true],
        ['arg2', true],
      ],
    );
    assert.deepEqual(
      byName.test_prompt_with_embedded_resource.arguments.map((a) => a.name),
      ['resourceUri'],
    );
  });

  it('gets test_simple_prompt', async () => {
    const { messages } = await peer.client.getPrompt({ name: 'test_simple_prompt' });
    assert.deepEqual(messages, [
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } },
    ]);
  });

  it('gets test_prompt_with_arguments with both arguments substituted', async () => {
    const { messages } = await peer.client.getPrompt({
      name: 'test_prompt_with_arguments',
      arguments: { arg1: 'hello', arg2: 'world' },
    });
    assert.equal(messages[0].content.text, "Prompt with arguments: arg1='hello', arg2='world'");
  });

  it('refuses test_prompt_with_arguments without a required argument', async () => {
    await assert.rejects(
      peer.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x' } }),
      (error) => {
        assert.equal(error.code, -32602);
        assert.match(error.message, /arg2/);
        return true;
      },
    );
  });

  it('gets test_prompt_with_embedded_resource embedding the given uri', async () => {
    const { messages } = await peer.client.getPrompt({
      name: 'test_prompt_with_embedded_resource',
      arguments: { resourceUri: 'test://example-resource' },
    });
    assert.deepEqual(messages[0].content, {
      type: 'resource',
      resource: {
        uri: 'test://example-resource',
        mimeType: 'text/plain',
        text: 'Embedded resource content for testing.',
      },
    });
    assert.equal(messages[1].content.type, 'text');
  });

  it('gets test_prompt_with_image with a PNG image', async () => {
    const { messages } = await peer.client.getPrompt({ name: 'test_prompt_with_image' });
    assert.equal(messages[0].content.type, 'image');
    assert.equal(messages[0].content.mimeType, 'image/png');
    assert.ok(Buffer.from(messages[0].content.data, 'base64').subarray(0, 8).equals(PNG_SIGNATURE));
    assert.equal(messages[1].content.text, 'Please analyze the image above.');
  });

  it('answers an unknown prompt with invalid params', async () => {
    await assert.rejects(peer.client.getPrompt({ name: 'no_such_prompt' }), { code: -32602 });
  });

  it('completes a prompt argument from its prefix', async () => {
    const { completion } = await peer.client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: 'par' },
    });
    assert.deepEqual(completion.values, ['paris', 'park', 'party']);
    assert.equal(completion.total, 3);
    assert.equal(completion.hasMore, false);
  });

  it('completes using the arguments already chosen (context)', async () => {
    const { completion } = await peer.client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg2', value: '' },
      context: { arguments: { arg1: 'testing' } },
    });
    assert.deepEqual(completion.values, ['test-a', 'test-b']);
  });

  it('completes a template variable', async () => {
    const { completion } = await peer.client.complete({
      ref: { type: 'ref/resource', uri: 'test://template/{id}/data' },
      argument: { name: 'id', value: '1' },
    });
    assert.deepEqual(completion.values, ['1', '123']);
  });

  it('returns no values for an argument without a completer', async () => {
    const { completion } = await peer.client.complete({
      ref: { type: 'ref/prompt', name: 'test_simple_prompt' },
      argument: { name: 'anything', value: 'x' },
    });
    assert.deepEqual(completion.values, []);
  });

  it('answers a completion for an unknown prompt with invalid params', async () => {
    await assert.rejects(
      peer.client.complete({
        ref: { type: 'ref/prompt', name: 'no_such_prompt' },
        argument: { name: 'a', value: '' },
      }),
      { code: -32602 },
    );
  });
});
