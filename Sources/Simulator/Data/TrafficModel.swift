import Primitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The simulated account's data: deterministic per domain and 5-minute bucket, so every test
/// and every replica sees the same numbers.
///
/// - A per-domain scale, a diurnal curve peaking in the Chinese evening, ±10 % noise.
/// - Domestic and HTTPS shares per domain; origin (back-to-source) share per domain.
/// - Spikes (×6 for 30 minutes every 3 hours) on chosen domains.
/// - The delay model: a bucket is absent until 5 minutes after its end, provisional (90 %) until
///   10 minutes after, then final; realtime minutes appear 5 minutes after they end.
public struct TrafficModel: Sendable {
    public let spikingDomains: Set<String>
    /// Spikes switched on at run time (`POST /-/simulator/spike`).
    public let injectedSpikes = InjectedSpikes()

    public init(spikingDomains: Set<String>) {
        self.spikingDomains = spikingDomains
    }

    /// What the API reports of a 5-minute bucket at `now`: nil while absent.
    public func bucket(_ domain: String, start: Int64, now: Int64) -> Bucket? {
        let age = now - (start + 300)
        guard age >= 300 else { return nil }
        let final = finalBytes(domain, start: start)
        let bytes = age >= 600 ? final : (final * 0.9).rounded()
        return Bucket(domain: domain, start: start, bytes: bytes, profile: profile(domain))
    }

    /// The final bytes of a bucket (or, with `minute`, of the bucket holding that minute, for the
    /// realtime data: an injected spike starts at its minute, not at its bucket).
    public func finalBytes(_ domain: String, start: Int64, minute: Int64? = nil) -> Double {
        let profile = profile(domain)
        let injected = injectedSpikes.factor(domain, at: minute ?? start)
        let hourInShanghai = Double((start + 8 * 3600) % 86_400) / 3600
        let diurnal = 0.35 + 0.65 * (0.5 - 0.5 * cos(2 * Double.pi * (hourInShanghai - 9) / 24))
        let noise = 0.9 + 0.2 * unit(hash("\(domain)#\(start)"))
        let spike = spikingDomains.contains(domain) && (start / 300) % 36 < 6 ? 6.0 : 1.0
        return (profile.scale * diurnal * noise * spike * injected).rounded()
    }

    /// Fixed traits of a domain.
    public struct Profile: Sendable {
        /// Bytes per 5 minutes at the daily peak.
        public let scale: Double
        public let domesticShare: Double
        public let httpsShare: Double
        /// Share of bytes fetched from the origin (the byte miss ratio).
        public let originShare: Double
        /// Average bytes per request.
        public let bytesPerRequest: Double
    }

    public func profile(_ domain: String) -> Profile {
        Profile(
            scale: 5e8 + 4.5e9 * unit(hash("scale:" + domain)),
            domesticShare: 0.6 + 0.35 * unit(hash("domestic:" + domain)),
            httpsShare: 0.3 + 0.6 * unit(hash("https:" + domain)),
            originShare: 0.03 + 0.12 * unit(hash("origin:" + domain)),
            bytesPerRequest: 2e5 + 8e5 * unit(hash("request:" + domain)))
    }

    /// One reported bucket with every derived figure.
    public struct Bucket: Sendable {
        public let domain: String
        public let start: Int64
        public let bytes: Double
        public let profile: Profile

        public var domesticBytes: Double { (bytes * profile.domesticShare).rounded() }
        public var overseasBytes: Double { bytes - domesticBytes }
        public var httpsBytes: Double { (bytes * profile.httpsShare).rounded() }
        /// Peak bandwidth in bit/s: the bucket's average times a 1.2 peak factor.
        public var peakBitsPerSecond: Double { (bytes * 8 / 300 * 1.2).rounded() }
        public var originBytes: Double { (bytes * profile.originShare).rounded() }
        public var requests: Double { (bytes / profile.bytesPerRequest).rounded() }
        /// Hit ratios in percent, as the API reports them.
        public var byteHitPercent: Double { ((1 - profile.originShare) * 10_000).rounded() / 100 }
        public var requestHitPercent: Double { (min(99.99, (1 - profile.originShare * 0.6) * 100) * 100).rounded() / 100 }
    }

    /// A stable hash of `text` (FNV-1a), the source of every per-domain and per-bucket trait.
    func hash(_ text: String) -> UInt64 {
        FNV1a.hash(text)
    }

    /// A hash as a number in [0, 1).
    func unit(_ value: UInt64) -> Double {
        Double(value >> 11) / Double(1 << 53)
    }
}

/// Spikes switched on while the simulator runs: a factor on a domain's traffic from a given
/// time on (applied to 5-minute buckets that start after it and to realtime minutes after it).
public final class InjectedSpikes: Sendable {
    private let spikes = Mutex<[String: (since: Int64, factor: Double)]>([:])

    public init() {}

    public func set(_ domain: String, since: Int64, factor: Double) {
        spikes.withLock { $0[domain.lowercased()] = (since, factor) }
    }

    public func clear() {
        spikes.withLock { $0 = [:] }
    }

    func factor(_ domain: String, at time: Int64) -> Double {
        spikes.withLock { spikes in
            guard let spike = spikes[domain], time >= spike.since else { return 1 }
            return spike.factor
        }
    }

    public var description: String {
        spikes.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value.factor) since \($0.value.since)" }.joined(separator: ", ") }
    }
}
