import type { Connection } from '@temporalio/client';
import {
  addMissingSearchAttributes,
  addSearchAttributes as addAll,
  type SearchAttributeType as CliSearchAttributeType,
} from '../embedded/search-attributes';
import { searchAttributeKeys } from '../workflows/search-attributes';

const cliNames: Record<string, CliSearchAttributeType> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** inviteflow's search attributes as `temporal server start-dev --search-attribute` takes them. */
export function searchAttributesForCli(): Record<string, CliSearchAttributeType> {
  return Object.fromEntries(searchAttributeKeys.map((key) => [key.name, cliNames[key.type] ?? 'Keyword']));
}

/** Registers the search attributes a cluster lacks (`inviteflow register-search-attributes`). */
export function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  return addMissingSearchAttributes(connection, namespace, searchAttributesForCli());
}

/** Adds all of them without listing first, for servers that cannot list (the time-skipping test server). */
export function addSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  return addAll(connection, namespace, searchAttributesForCli());
}
