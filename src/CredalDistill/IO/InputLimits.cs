namespace CredalDistill.IO;

/// <summary>
/// Documented resource limits of the file readers (<c>docs/RELIABILITY.md</c>). Every limit is checked before the
/// memory it guards is allocated, and sizes claimed by a header are checked against the file length first, so an
/// oversized or lying file gives a <see cref="DataFormatException"/> (CLI exit code 3), never an out-of-memory crash.
/// </summary>
internal static class InputLimits
{
    /// <summary>Most columns (classes) of a matrix file or calibration artifact: 2^20 = 1,048,576.</summary>
    public const int MaxColumns = 1 << 20;

    /// <summary>A CSV line (without its line break) must be shorter than 2^25 = 33,554,432 characters (64 MiB of UTF-16 memory).</summary>
    public const int MaxLineLength = 1 << 25;
}
