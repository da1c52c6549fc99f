namespace CredalDistill.IO;

/// <summary>The on-disk formats of the file contract, selected by file extension.</summary>
public enum FileFormat
{
    /// <summary>Comma-separated text (<c>.csv</c>).</summary>
    Csv,

    /// <summary>NumPy binary array (<c>.npy</c>).</summary>
    Npy,
}
