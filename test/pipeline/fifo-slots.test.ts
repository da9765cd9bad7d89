import { describe, expect, it } from 'vitest';
import { FifoSlots } from '../../src/pipeline/fifo-slots.js';

describe('FifoSlots', () => {
  it('lets `size` callers in at once and the rest in the order they came as slots are given back', async () => {
    const slots = new FifoSlots(2);
    const order: number[] = [];
    const take = (i: number) => slots.take().then(() => order.push(i));
    const all = [0, 1, 2, 3, 4].map(take);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect(slots.waiting).toBe(3);
    slots.give();
    await all[2];
    expect(order).toEqual([0, 1, 2]);
    slots.give();
    slots.give();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // everyone in: the given-back slots are free again, and a newcomer walks straight in
    slots.give();
    slots.give();
    const free = slots.take();
    await expect(free).resolves.toBeUndefined();
  });

  it('a waiter withdrawn before its turn is rejected with the reason when its turn comes, and the slot passes on', async () => {
    const slots = new FifoSlots(1);
    await slots.take();
    const withdraw = new AbortController();
    const gone = slots.take(withdraw.signal);
    const next = slots.take();
    withdraw.abort(new Error('the slide failed'));
    slots.give();
    await expect(gone).rejects.toThrow('the slide failed');
    await expect(next).resolves.toBeUndefined();
    expect(slots.waiting).toBe(0);
    // already withdrawn: refused at once, no slot taken
    await expect(slots.take(withdraw.signal)).rejects.toThrow('the slide failed');
    expect(() => new FifoSlots(0)).toThrow(/whole number ≥ 1/);
  });
});

describe('FifoSlots close', () => {
  it('refuses every waiter and every later caller with the reason', async () => {
    const slots = new FifoSlots(1);
    await slots.take();
    const waiting = slots.take();
    slots.close(new Error('pool closed'));
    await expect(waiting).rejects.toThrow('pool closed');
    await expect(slots.take()).rejects.toThrow('pool closed');
    expect(slots.waiting).toBe(0);
  });
});
