/// Exit statuses of the binary.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Something failed at run time (the address is taken, the API refused the credentials…).
    public static let failure: Int32 = 1
    /// The command line or environment cannot be used (`EX_USAGE`).
    public static let usage: Int32 = 64
}
