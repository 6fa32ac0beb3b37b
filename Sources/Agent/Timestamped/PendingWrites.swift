import RemoteWrite

/// Samples on their way to the remote-write queue. A full request's worth is encoded at once
/// (about 10 bytes a sample instead of 40 as values), so a run that backfills a day for a
/// thousand domains holds megabytes, not tens of them.
struct PendingWrites {
    private var samples: [TimestampedSample] = []
    private var encoded: [EncodedWrite] = []

    mutating func add(_ new: [TimestampedSample]) {
        samples += new
        if samples.count >= WriteRequest.maxSamples {
            encoded += EncodedWrite.requests(TimestampedSample.series(samples))
            samples.removeAll()
        }
    }

    /// Everything added since the last call, as requests.
    mutating func take() -> [EncodedWrite] {
        defer {
            samples.removeAll()
            encoded.removeAll()
        }
        return encoded + EncodedWrite.requests(TimestampedSample.series(samples))
    }
}
