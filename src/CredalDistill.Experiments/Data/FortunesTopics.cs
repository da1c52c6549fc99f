using System.Globalization;
using System.Text;
using CredalDistill.IO;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// The text task: topic classification of the short English texts of Debian's <c>fortunes</c> package (BSD licence),
/// one label per source file, 12 topics. The test split is bundled under <c>data/fortunes-topics/</c>
/// (<c>test.tsv</c>, written by <c>models/train.py --only fortunes-data</c>); the data card
/// <c>data/fortunes-topics/README.md</c> says how it was built. Models: <c>models/fortunes-*.onnx</c>, run on the
/// features of <see cref="HashedTextFeaturizer"/> by <see cref="TextModelRunner"/>.
/// </summary>
public static class FortunesTopics
{
    /// <summary>Task name and model-file prefix.</summary>
    public const string TaskName = "fortunes";

    /// <summary>Sub-directory of <c>data/</c> holding the bundled files.</summary>
    public const string SubDirectory = "fortunes-topics";

    /// <summary>File name of the bundled test split.</summary>
    public const string TestFile = "test.tsv";

    /// <summary>File name of the per-row digests of the training featuriser's output on the test split.</summary>
    public const string FeatureReferenceFile = "test-features.tsv";

    /// <summary>The header line of <see cref="TestFile"/>.</summary>
    public const string TestHeader = "label\ttopic\tsource_index\ttext";

    /// <summary>The topics (source files) in label order.</summary>
    public static IReadOnlyList<string> Topics { get; } =
    [
        "people", "definitions", "computers", "songs-poems", "politics", "work", "science", "men-women", "zippy", "art", "literature", "law",
    ];

    /// <summary>
    /// Finds the repository's <c>data/</c> directory by walking up from <paramref name="start"/> (default
    /// <see cref="AppContext.BaseDirectory"/>) until one containing <c>fortunes-topics/test.tsv</c> is found.
    /// </summary>
    /// <param name="start">Directory to start from.</param>
    /// <returns>The full path of the <c>data</c> directory.</returns>
    public static string FindDataDirectory(string? start = null) => DataDirectory.Find(SubDirectory, TestFile, start);

    /// <summary>Loads the bundled test split.</summary>
    /// <param name="dataDirectory">The <c>data</c> directory; found with <see cref="FindDataDirectory"/> when null.</param>
    /// <returns>The texts and labels, in file order (by label, then source index).</returns>
    public static FortunesTopicsDataset LoadTest(string? dataDirectory = null) =>
        Load(Path.Combine(dataDirectory ?? FindDataDirectory(), SubDirectory, TestFile));

    /// <summary>
    /// Reads a split file: UTF-8, the header <see cref="TestHeader"/>, then one text per line as
    /// <c>label TAB topic TAB source_index TAB text</c> (no quoting; texts hold no tab or newline).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The texts and labels, in file order.</returns>
    /// <exception cref="DataFormatException">A line is malformed (the message names the line).</exception>
    public static FortunesTopicsDataset Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Fortunes split file '{path}' does not exist.", path);
        }

        var texts = new List<string>();
        var labels = new List<int>();
        var sources = new List<int>();
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        string? header = reader.ReadLine();
        if (header != TestHeader)
        {
            throw new DataFormatException(path, $"header is '{header}'; expected '{TestHeader.Replace("\t", "<TAB>", StringComparison.Ordinal)}'", line: 1);
        }

        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            string[] cells = line.Split('\t');
            if (cells.Length != 4)
            {
                throw new DataFormatException(path, $"{cells.Length} tab-separated fields; expected 4 (label, topic, source_index, text)", line: lineNumber);
            }

            if (!int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out int label) || label >= Topics.Count)
            {
                throw new DataFormatException(path, $"label '{cells[0]}' is not an integer in 0..{Topics.Count - 1}", line: lineNumber);
            }

            if (cells[1] != Topics[label])
            {
                throw new DataFormatException(path, $"topic '{cells[1]}' does not match label {label} ('{Topics[label]}')", line: lineNumber);
            }

            if (!int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out int source))
            {
                throw new DataFormatException(path, $"source_index '{cells[2]}' is not a non-negative integer", line: lineNumber);
            }

            if (cells[3].Length == 0)
            {
                throw new DataFormatException(path, "empty text", line: lineNumber);
            }

            texts.Add(cells[3]);
            labels.Add(label);
            sources.Add(source);
        }

        return new FortunesTopicsDataset([.. texts], [.. labels], [.. sources]);
    }
}
