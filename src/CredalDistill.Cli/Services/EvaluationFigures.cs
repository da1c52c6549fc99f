using System.Globalization;
using CredalDistill.Reporting;

namespace CredalDistill.Cli.Services;

/// <summary>
/// <c>credal evaluate --figures DIR</c>: one reliability diagram per evaluated method (the paper's 15 equal-width bins), with
/// each bin's 95% bootstrap interval of the accuracy when <c>--bootstrap</c> is given. Files: <c>reliability-edge.png</c>,
/// <c>reliability-cloud.png</c>, then <c>reliability-METHOD.png</c> for one artifact or <c>reliability-ARTIFACT-METHOD.png</c>
/// (ARTIFACT = the file name without extension) for several. Each file is written to a temporary name and moved into
/// place, so an interrupted run leaves no half-written PNG.
/// </summary>
internal static class EvaluationFigures
{
    /// <summary>Writes the figures and returns their file names, in order.</summary>
    public static List<string> Write(string directory, IReadOnlyList<EvaluationSums> sums, IReadOnlyList<string> artifacts, BootstrapEvidence? evidence, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        for (int a = 0; a < sums.Count; a++)
        {
            foreach (var (method, accumulator) in sums[a].Methods)
            {
                bool shared = method is "edge" or "cloud";
                if (shared && a > 0)
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                string stem = shared || sums.Count == 1 ? method : $"{Path.GetFileNameWithoutExtension(artifacts[a])}-{method}";
                string file = $"reliability-{Safe(stem)}.png";
                string who = shared || sums.Count == 1 ? method : $"{Path.GetFileName(artifacts[a])}: {method}";
                string title = string.Create(CultureInfo.InvariantCulture, $"{who} (ECE {100 * accumulator.Ece:F2}%, debiased {100 * accumulator.EceDebiased:F2}%)");
                string path = Path.Combine(directory, file);
                string temporary = Path.Combine(directory, $".{file}.{Guid.NewGuid():N}.tmp.png");
                try
                {
                    ReliabilityFigure.Save(temporary, title, accumulator.Bins(), evidence?.Bands(a, method), width: 640);
                    File.Move(temporary, path, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }

                files.Add(file);
            }
        }

        return files;
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' || c == '+' ? c : '_'));
}
