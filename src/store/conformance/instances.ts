/** Instance rows: creation, duplicates, what a turn writes, and reads of them. */
import { expect, it } from 'vitest';
import type { StartOrchestrationMessage } from '../../runtime/messages.js';
import { InstanceAlreadyExistsError } from '../errors.js';
import { start, started, running, commit, LONG } from './fixtures.js';
import type { StoreKit } from './kit.js';

export function instanceCases({ fresh, withFetchedStart }: StoreKit): void {
  it('createInstance makes a Pending instance and queues its start', async () => {
    const s = await fresh();
    await s.createInstance(start('a'));
    const info = await s.getInstance('a');
    expect(info).toMatchObject({ instanceId: 'a', name: 'flow', status: 'Pending', executionId: 0, version: null });
    const item = await s.fetchOrchestrationItem(LONG);
    expect(item?.messages.map((m) => m.message.kind)).toEqual(['StartOrchestration']);
  });

  it('a duplicate instance id throws InstanceAlreadyExistsError and changes nothing', async () => {
    const s = await fresh();
    await s.createInstance(start('a', 'first'));
    await expect(s.createInstance(start('a', 'second'))).rejects.toBeInstanceOf(InstanceAlreadyExistsError);
    expect((await s.getInstance('a'))?.name).toBe('first');
    const item = await s.fetchOrchestrationItem(LONG);
    expect(item?.messages).toHaveLength(1);
  });

  it('getInstance of an unknown id is null', async () => {
    expect(await (await fresh()).getInstance('nope')).toBeNull();
  });

  it('listInstances filters by status and name and pages with limit/offset', async () => {
    const s = await fresh();
    for (const id of ['i1', 'i2', 'i3', 'i4']) await s.createInstance(start(id, id === 'i4' ? 'other' : 'flow'));
    const item = (await s.fetchOrchestrationItem(LONG))!;
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()], instance: { ...running, status: 'Completed', output: 1 } }));
    expect((await s.listInstances()).map((i) => i.instanceId).sort()).toEqual(['i1', 'i2', 'i3', 'i4']);
    expect((await s.listInstances({ status: 'Completed' })).map((i) => i.instanceId)).toEqual([item.instanceId]);
    expect((await s.listInstances({ name: 'other' })).map((i) => i.instanceId)).toEqual(['i4']);
    const page1 = await s.listInstances({ limit: 2 });
    const page2 = await s.listInstances({ limit: 2, offset: 2 });
    expect(page1).toHaveLength(2);
    expect(new Set([...page1, ...page2].map((i) => i.instanceId)).size).toBe(4);
  });

  it('ack writes the instance row: status, output, error, custom status, version', async () => {
    const { s, item } = await withFetchedStart('a');
    await s.ackOrchestrationItem(
      item.lockToken,
      commit({ historyDelta: [started()], instance: { ...running, status: 'Failed', error: { name: 'E', message: 'm' }, customStatus: { step: 2 } } }),
    );
    expect(await s.getInstance('a')).toMatchObject({ status: 'Failed', error: { name: 'E', message: 'm' }, customStatus: { step: 2 }, version: '1.0.0', executionId: 1 });
  });

  it('JSON values round-trip exactly (unicode, nesting, numbers)', async () => {
    const s = await fresh();
    const data = { text: 'héllo 👋 \u0000 "quoted" \\ back', nested: { list: [1, 2.5, -3e-7, null, true], empty: {} } };
    await s.createInstance({ ...start('a'), input: data as never });
    const item = (await s.fetchOrchestrationItem(LONG))!;
    expect((item.messages[0].message as StartOrchestrationMessage).input).toEqual(data);
    await s.ackOrchestrationItem(item.lockToken, commit({ historyDelta: [started()], instance: { ...running, output: data as never } }));
    expect((await s.getInstance('a'))?.output).toEqual(data);
  });
}
