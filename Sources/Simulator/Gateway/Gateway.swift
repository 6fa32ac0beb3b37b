import Primitives
import VODAPI

/// The checks the API gateway makes before an operation runs: signature, key, API version,
/// timestamp window and nonce replay. Each failure is the gateway's own code and status.
struct Gateway: Sendable {
    let accessKeyId: String
    let accessKeySecret: String
    let timestampTolerance: Int64
    let replay: ReplayGuard

    init(configuration: SimulatorConfiguration) {
        accessKeyId = configuration.accessKeyId
        accessKeySecret = configuration.accessKeySecret
        timestampTolerance = configuration.timestampTolerance
        replay = ReplayGuard(window: 2 * configuration.timestampTolerance)
    }

    /// The verified request, or the refusal to answer with.
    func admit(_ received: SignatureVerifier.Received, now: Int64) -> Result<SignatureVerifier.SignedRequest, APIReply.Refusal> {
        let signed: SignatureVerifier.SignedRequest
        switch SignatureVerifier.verify(received, secret: { $0 == accessKeyId ? accessKeySecret : nil }) {
        case .success(let request): signed = request
        case .failure(let failure): return .failure(APIReply.Refusal(failure.status, failure.code, failure.message))
        }
        guard signed.apiVersion == "2017-03-21" else {
            return .failure(APIReply.Refusal(400, "InvalidVersion", "Specified parameter Version is not valid."))
        }
        guard let timestampText = signed.timestamp else {
            return .failure(APIReply.Refusal(400, "MissingParameter", "The input parameter Timestamp that is mandatory for processing this request is not supplied."))
        }
        guard let timestamp = UTCTimestamp.parse(timestampText) else {
            return .failure(APIReply.Refusal(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."))
        }
        guard abs(now - timestamp) <= timestampTolerance else {
            return .failure(APIReply.Refusal(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."))
        }
        guard let nonce = signed.nonce, !nonce.isEmpty else {
            return .failure(APIReply.Refusal(400, "MissingParameter", "The input parameter SignatureNonce that is mandatory for processing this request is not supplied."))
        }
        guard replay.admit(nonce, now: now) else {
            return .failure(APIReply.Refusal(400, "SignatureNonceUsed", "Specified signature nonce was used already."))
        }
        guard signed.action?.isEmpty == false else {
            return .failure(APIReply.Refusal(400, "MissingParameter", "The input parameter Action that is mandatory for processing this request is not supplied."))
        }
        return .success(signed)
    }
}
