import Logging
import VODAPI

/// `--log.level=debug`: one line per API attempt, from the client's observe hook. The record
/// carries no secret, so neither does the line.
public enum APICallLog {
    public static func write(_ record: RequestRecord, to logger: Logger) {
        guard logger.isEnabled(.debug) else { return }
        var fields = [
            "action": record.action, "result": record.result, "attempt": String(record.attempt),
            "seconds": String((record.duration * 1000).rounded() / 1000),
        ]
        if let domains = record.domains { fields["domain"] = domains }
        if let requestId = record.requestId { fields["request_id"] = requestId }
        logger.debug("api call", fields)
    }
}
