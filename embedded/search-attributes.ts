import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** A search attribute's type, by the name the `temporal` CLI gives it. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

const { IndexedValueType } = temporal.api.enums.v1;
const indexedValueTypes: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Adds the attributes through the operator API, without listing first (the time-skipping server cannot list). */
export async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Record<string, SearchAttributeType>,
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, type]) => [name, indexedValueTypes[type]]),
    ),
  });
}

/** Adds those of `attributes` the namespace lacks; answers their names. */
export async function addMissingSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Record<string, SearchAttributeType>,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.fromEntries(Object.entries(attributes).filter(([name]) => !known.has(name)));
  if (Object.keys(missing).length > 0) await addSearchAttributes(connection, namespace, missing);
  return Object.keys(missing);
}
