import { chainsByKey } from '../../../domain/webhook-order';

const message = (id: string, orderingKey: string) => ({ id, orderingKey });

test('messages with one key form one chain in their order; keys keep the order of their first message', () => {
  const batch = [message('1', 'inv_a'), message('2', 'inv_b'), message('3', 'inv_a'), message('4', 'inv_c')];
  expect(chainsByKey(batch)).toEqual([
    { key: 'inv_a', messages: [message('1', 'inv_a'), message('3', 'inv_a')] },
    { key: 'inv_b', messages: [message('2', 'inv_b')] },
    { key: 'inv_c', messages: [message('4', 'inv_c')] },
  ]);
});

test('an empty batch has no chains', () => {
  expect(chainsByKey([])).toEqual([]);
});
