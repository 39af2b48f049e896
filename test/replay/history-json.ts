import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

/**
 * History <-> the JSON other Temporal tools write (`temporal workflow show -o json`), as the SDK's
 * `historyToJSON`/`historyFromJSON` do. Those two throw "type must be a Type" in this install:
 * npm gives @temporalio/common and @temporalio/proto each a copy of protobufjs 8 (the hoisted one is
 * grpc's protobufjs 7), and common's protojson refuses types made by proto's copy. So the protojson
 * here is the one from the copy @temporalio/proto itself loads. A decoded history (eventId a Long)
 * goes to `Worker.runReplayHistory` as is, without the SDK's JSON parsing.
 */
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
  toJson(type: unknown, message: unknown): unknown;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history?.events?.length) throw new TypeError('not a workflow history');
  return history;
}
