/**
 * Request types of the kv protocol. A plain number on the wire (not a proto
 * enum) so that a type this version does not know decodes, and gets a typed
 * ERR_PROTOCOL reply rather than aborting the stream.
 */
export const RequestType = {
  GET: 1,
  SYNC: 2,
  PUT: 3
} as const

export type RequestTypeName = keyof typeof RequestType

export function requestTypeName (type: number): RequestTypeName | 'UNKNOWN' {
  for (const [name, value] of Object.entries(RequestType)) if (value === type) return name as RequestTypeName
  return 'UNKNOWN'
}
