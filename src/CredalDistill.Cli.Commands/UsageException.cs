namespace CredalDistill.Cli;

/// <summary>A command line that parses but cannot be carried out as asked (exit code 2), e.g. a text output to <c>.npy</c>.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public UsageException()
        : base("invalid usage")
    {
    }

    /// <summary>Creates an exception whose message tells the user what to change.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with an inner exception.</summary>
    public UsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
