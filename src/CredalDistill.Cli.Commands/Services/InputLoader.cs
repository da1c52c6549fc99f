using System.Globalization;
using CredalDistill.Cli.Formats;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>Reads the input files of a command (with a progress indicator for big files) and checks that they agree.</summary>
public sealed class InputLoader
{
    private readonly ProgressRunner _progress;
    private readonly InputOptions _options;

    /// <summary>Creates a loader.</summary>
    public InputLoader(ProgressRunner progress, InputOptions options)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(options);
        _progress = progress;
        _options = options;
    }

    /// <summary>Reads the edge's probability (or logit, with <c>--edge-logits</c>) matrix.</summary>
    /// <param name="path">The matrix file.</param>
    /// <param name="expectedClasses">When given, the number of columns the file must have.</param>
    /// <param name="classesSource">Where <paramref name="expectedClasses"/> comes from (a file name, for the message).</param>
    public ProbabilityMatrix ReadEdge(string path, int? expectedClasses = null, string? classesSource = null)
        => ReadProbabilities(path, _options.EdgeLogits, expectedClasses, classesSource);

    /// <summary>Reads the cloud's probability (or logit, with <c>--cloud-logits</c>) matrix.</summary>
    /// <param name="path">The matrix file.</param>
    /// <param name="expectedClasses">When given, the number of columns the file must have.</param>
    /// <param name="classesSource">Where <paramref name="expectedClasses"/> comes from (a file name, for the message).</param>
    public ProbabilityMatrix ReadCloud(string path, int? expectedClasses = null, string? classesSource = null)
        => ReadProbabilities(path, _options.CloudLogits, expectedClasses, classesSource);

    /// <summary>Reads a probability (or logit) matrix.</summary>
    /// <param name="path">The matrix file.</param>
    /// <param name="logits">The file holds logits.</param>
    /// <param name="expectedClasses">When given, the number of columns the file must have.</param>
    /// <param name="classesSource">Where <paramref name="expectedClasses"/> comes from (a file name, for the message).</param>
    /// <exception cref="DataFormatException">The file violates the file contract or has the wrong number of classes.</exception>
    private ProbabilityMatrix ReadProbabilities(string path, bool logits, int? expectedClasses, string? classesSource)
    {
        return _progress.Run($"reading {Path.GetFileName(path)}", () =>
        {
            using var reader = OpenMatrix(path, expectedClasses, classesSource);
            return MatrixFile.ReadProbabilities(reader, logits, _options.Renormalize);
        });
    }

    /// <summary>Opens the edge's matrix for chunked reading (validated chunk by chunk, as <see cref="ReadEdge"/> validates the whole file).</summary>
    /// <param name="path">The matrix file.</param>
    /// <param name="expectedClasses">When given, the number of columns the file must have.</param>
    /// <param name="classesSource">Where <paramref name="expectedClasses"/> comes from (a file name, for the message).</param>
    public ProbabilityMatrixReader OpenEdgeChunks(string path, int? expectedClasses = null, string? classesSource = null)
        => new(OpenMatrix(path, expectedClasses, classesSource), _options.EdgeLogits, _options.Renormalize);

    /// <summary>Opens the cloud's matrix for chunked reading.</summary>
    /// <param name="path">The matrix file.</param>
    /// <param name="expectedClasses">When given, the number of columns the file must have.</param>
    /// <param name="classesSource">Where <paramref name="expectedClasses"/> comes from (a file name, for the message).</param>
    public ProbabilityMatrixReader OpenCloudChunks(string path, int? expectedClasses = null, string? classesSource = null)
        => new(OpenMatrix(path, expectedClasses, classesSource), _options.CloudLogits, _options.Renormalize);

    /// <summary>Opens a matrix in any supported format, checking the class count against <paramref name="classesSource"/>.</summary>
    private static MatrixReader OpenMatrix(string path, int? expectedClasses, string? classesSource)
    {
        var reader = MatrixReader.Open(path, classesSource is null ? expectedClasses : null);
        if (expectedClasses is int k && reader.Columns != k)
        {
            reader.Dispose();
            throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"{reader.Columns} columns (classes), but {Path.GetFileName(classesSource)} is for {k} classes"));
        }

        return reader;
    }

    /// <summary>Reads labels in <c>[0, classes)</c>.</summary>
    public int[] ReadLabels(string path, int classes)
        => _progress.Run($"reading {Path.GetFileName(path)}", () => LabelFile.Read(path, classes));

    /// <summary>Throws a <see cref="DataFormatException"/> naming <paramref name="path"/> when it has a different row count than the reference file.</summary>
    /// <param name="path">The file checked.</param>
    /// <param name="rows">Its row count.</param>
    /// <param name="referencePath">The file whose row count is expected.</param>
    /// <param name="expected">The expected row count.</param>
    public static void CheckRows(string path, int rows, string referencePath, int expected)
    {
        if (rows != expected)
        {
            throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"{rows} rows, but {Path.GetFileName(referencePath)} has {expected}; the files must describe the same inputs, one row each, in the same order"));
        }
    }
}
