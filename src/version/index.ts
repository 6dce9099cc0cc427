export type * from './types.js'
export {
  empty, newSet, newWithContext, sync, syncAll, join, update, updateWith,
  values, size, ids, less, equal, mapValues
} from './dvvset.js'
export type { ValueEq } from './dvvset.js'
export { descends, mergeVectors, compareVectors, compareActors } from './vector.js'
export type { VectorOrder } from './vector.js'
export { encodeContext, decodeContext, decodeContextWrites, CONTEXT_FORMAT_VERSION, CONTEXT_WRITES_FORMAT_VERSION, CONTEXT_WRITE_BYTES, MAX_CONTEXT_WRITES, MAX_CONTEXT_ENTRIES, MAX_ACTOR_BYTES } from './context.js'
export type { DecodedContext } from './context.js'
export { actorId, parseActor } from './actor.js'
export type { ActorParts } from './actor.js'
export { pruneRetired, PRUNE_ABOVE_ENTRIES } from './prune.js'
export { mintingActor, ownActor, KEY_EPOCH_BYTES } from './key-epoch.js'
