/** One endpoint's due messages that share an ordering key, oldest first: sent one after another. */
export interface Chain<T> {
  key: string;
  messages: T[];
}

/**
 * Splits a batch of due messages (oldest first) into chains by ordering key:
 * chains go out side by side, a chain's messages in order, and a message
 * waits for the one before it in its chain to be delivered.
 */
export function chainsByKey<T extends { orderingKey: string }>(batch: readonly T[]): Chain<T>[] {
  const chains = new Map<string, T[]>();
  for (const message of batch) {
    const chain = chains.get(message.orderingKey);
    if (chain) chain.push(message);
    else chains.set(message.orderingKey, [message]);
  }
  return [...chains].map(([key, messages]) => ({ key, messages }));
}
