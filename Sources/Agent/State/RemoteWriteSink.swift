import RemoteWrite

/// Where the agent hands its encoded remote writes: durably queued before `enqueue` returns (the
/// shipper, a service of its own, sends them). `RemoteWriteShipper` is the one used; tests wrap
/// it to stop the world in the middle of a save.
public protocol RemoteWriteSink: Sendable {
    func enqueue(_ writes: [EncodedWrite]) async
}

extension RemoteWriteShipper: RemoteWriteSink {}
