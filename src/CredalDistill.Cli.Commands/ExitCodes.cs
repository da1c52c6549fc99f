namespace CredalDistill.Cli;

/// <summary>The process exit codes of <c>credal</c> (documented in <c>docs/CLI.md</c> and <c>docs/FILE-FORMATS.md</c>).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Any other error (I/O failure such as a missing file, or a bug).</summary>
    public const int Failure = 1;

    /// <summary>Usage error: unknown command or option, missing required option, invalid option value.</summary>
    public const int Usage = 2;

    /// <summary>Bad input data: a <see cref="IO.DataFormatException"/> (including a refused artifact), row-count or class-count mismatch.</summary>
    public const int BadData = 3;

    /// <summary><c>credal monitor</c>: coverage fell below <c>1 - eps</c> with the chosen confidence (an alarm).</summary>
    public const int Alarm = 4;
}
