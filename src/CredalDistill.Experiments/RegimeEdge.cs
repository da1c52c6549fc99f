using System.Text.Json;
using CredalDistill.IO;

namespace CredalDistill.Experiments;

/// <summary>
/// One edge model of the overconfidence axis (models/README.md): its name, task, ONNX file, last-layer JSON and the
/// raw test ECE that <c>models/metrics.json</c> records (a fraction; NaN for the bundled edges, which are not listed there).
/// </summary>
/// <param name="Name">Model name, e.g. <c>fmnist10-edge-n1000-e150</c>.</param>
/// <param name="Task">Task name (<c>fmnist3</c>, <c>fmnist10</c> or <c>fortunes</c>).</param>
/// <param name="File">ONNX file in <c>models/</c>.</param>
/// <param name="LastLayerFile">Last-layer JSON in <c>models/</c>.</param>
/// <param name="RecordedEce">Test ECE recorded at training time (fraction), or NaN.</param>
public sealed record RegimeEdge(string Name, string Task, string File, string LastLayerFile, double RecordedEce)
{
    /// <summary>The bundled edge of <paramref name="task"/> (<c>{task}-edge.onnx</c>).</summary>
    public static RegimeEdge Bundled(string task) => new($"{task}-edge", task, $"{task}-edge.onnx", $"{task}-edge-lastlayer.json", double.NaN);

    /// <summary>
    /// The bundled edge of each task followed by the task's <c>overconfidence_edges</c> of <c>models/metrics.json</c>
    /// in decreasing recorded ECE, at most <paramref name="perTask"/> edges per task in all.
    /// </summary>
    public static List<RegimeEdge> Catalog(string repositoryRoot, IReadOnlyList<string> tasks, int perTask = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        string path = Path.Combine(repositoryRoot, "models", "metrics.json");
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("overconfidence_edges", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new DataFormatException(path, "no top-level 'overconfidence_edges' list");
        }

        var axis = list.EnumerateArray().Select(e => new RegimeEdge(
            e.GetProperty("name").GetString()!,
            e.GetProperty("task").GetString()!,
            e.GetProperty("file").GetString()!,
            e.GetProperty("lastlayer").GetString()!,
            e.TryGetProperty("test_ece_percent", out var ece) ? ece.GetDouble() / 100.0 : double.NaN)).ToList();
        var result = new List<RegimeEdge>();
        foreach (string task in tasks)
        {
            var edges = new List<RegimeEdge> { Bundled(task) };
            edges.AddRange(axis.Where(e => e.Task == task).OrderByDescending(e => e.RecordedEce));
            result.AddRange(edges.Take(Math.Max(1, perTask)));
        }

        return result;
    }
}
