namespace CredalDistill.Engines;

/// <summary>The engine could not be started (e.g. DuckDB's native library is missing).</summary>
public sealed class EngineUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The engine refused or failed a query (a syntax error, a missing file or column, ...); the message is the engine's.</summary>
public sealed class EngineQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineQueryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
