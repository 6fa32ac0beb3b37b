import RemoteWrite

/// Where the agent hands its encoded remote writes: durably queued before `enqueue` returns, and
/// sent by `run` until cancelled. `RemoteWriteShipper` is the one used; tests wrap it to stop the
/// world in the middle of a save.
public protocol RemoteWriteSink: Sendable {
    func enqueue(_ writes: [EncodedWrite]) async
    func run() async
}

extension RemoteWriteShipper: RemoteWriteSink {}
