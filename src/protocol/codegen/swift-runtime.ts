/** @module Fixed Swift source emitted alongside the generated models: the `AnyCodable` JSON value and the `GatewayFrame` enum. */
import { camelName, escapeIdentifier, swiftString } from "./swift-names.ts";

/** `AnyCodable`: any JSON value, decoded and re-encoded losslessly (integers stay integers). */
export const SWIFT_ANY_CODABLE = `/// Any JSON value; decodes and re-encodes without loss.
public struct AnyCodable: Codable, Sendable {
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([AnyCodable])
        case object([String: AnyCodable])
    }

    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            value = .int(int)
        } else if let double = try? container.decode(Double.self) {
            value = .double(double)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let array = try? container.decode([AnyCodable].self) {
            value = .array(array)
        } else if let object = try? container.decode([String: AnyCodable].self) {
            value = .object(object)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Unsupported JSON value")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .int(let int): try container.encode(int)
        case .double(let double): try container.encode(double)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}`;

/** One known frame kind: the `type` discriminator value and the struct that decodes it. */
export interface FrameCase {
  /** Wire value of `type` (`req`, `res`, `event`); the enum case is its camelCase form. */
  type: string;
  /** Swift struct name. */
  struct: string;
}

/**
 * `GatewayFrame`: decodes on `type`; an unknown `type` is kept as `unknown(type:raw:)`
 * so newer servers do not break older clients.
 */
export function swiftGatewayFrame(cases: readonly FrameCase[]): string {
  const named = cases.map((c) => ({ ...c, name: escapeIdentifier(camelName(c.type)) }));
  const decl = named.map((c) => `    case ${c.name}(${c.struct})`);
  const decode = named.map((c) => `        case ${swiftString(c.type)}: self = .${c.name}(try ${c.struct}(from: decoder))`);
  const encode = named.map((c) => `        case .${c.name}(let frame): try frame.encode(to: encoder)`);
  return [
    "/// A frame of either kind, decoded on `type`; unknown kinds are kept for forward compatibility.",
    "public enum GatewayFrame: Codable, Sendable {",
    ...decl,
    "    case unknown(type: String, raw: AnyCodable)",
    "",
    "    private enum CodingKeys: String, CodingKey {",
    "        case type",
    "    }",
    "",
    "    public init(from decoder: Decoder) throws {",
    "        let container = try decoder.container(keyedBy: CodingKeys.self)",
    "        let type = try container.decode(String.self, forKey: .type)",
    "        switch type {",
    ...decode,
    "        default: self = .unknown(type: type, raw: try AnyCodable(from: decoder))",
    "        }",
    "    }",
    "",
    "    public func encode(to encoder: Encoder) throws {",
    "        switch self {",
    ...encode,
    "        case .unknown(_, let raw): try raw.encode(to: encoder)",
    "        }",
    "    }",
    "}",
  ].join("\n");
}
