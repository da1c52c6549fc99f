using System.Reflection;
using CredalDistill.Cli.Commands;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Issue 22: a path the user got wrong is a usage error (exit 2) naming the option and the user's own path, checked before
/// anything runs: an output that is one of the inputs (any spelling of it, or a symbolic link to it) is refused and the
/// input is left as it was; a folder given as an input file, a missing input, an output folder that does not exist.
/// </summary>
public sealed class FilePathTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _cloud;
    private readonly string _edge;
    private readonly string _labels;
    private readonly string _pairs;
    private readonly string _cal;
    private readonly string _model;

    public FilePathTests()
    {
        var (cloud, edge, labels) = TempDirectory.Synthetic(60, 3, seed: 7);
        _cloud = _dir.WriteMatrix("cloud.csv", cloud, 3);
        _edge = _dir.WriteMatrix("edge.csv", edge, 3);
        _labels = _dir.WriteLabels("labels.csv", labels);
        var pairs = new double[60 * 6];
        for (int i = 0; i < 60; i++)
        {
            Array.Copy(cloud, i * 3, pairs, i * 6, 3);
            Array.Copy(edge, i * 3, pairs, (i * 6) + 3, 3);
        }

        _pairs = _dir.WriteMatrix("pairs.csv", pairs, 6);
        _model = _dir["model.onnx"];
        File.WriteAllBytes(_model, [1, 2, 3]);
        _cal = _dir["cal.json"];
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", _cal).ExitCode);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Every command that writes a file, with the output option pointed at one of its inputs (by name: the input file is <c>{0}</c>).</summary>
    public static TheoryData<string, string, string[]> OutputIsAnInput() => new()
    {
        { "--out", "--edge", ["calibrate", "--cloud", "{cloud}", "--edge", "{edge}", "--out", "{edge}"] },
        { "--out", "--labels", ["calibrate", "--cloud", "{cloud}", "--edge", "{edge}", "--labels", "{labels}", "--method", "ts", "--out", "{labels}"] },
        { "--out", "--edge", ["predict", "--calibration", "{cal}", "--edge", "{edge}", "--out", "{edge}"] },
        { "--json", "--cloud", ["evaluate", "--calibration", "{cal}", "--edge", "{edge}", "--cloud", "{cloud}", "--labels", "{labels}", "--json", "{cloud}"] },
        { "--json", "--calibration", ["evaluate", "--calibration", "{cal}", "--edge", "{edge}", "--cloud", "{cloud}", "--labels", "{labels}", "--json", "{cal}"] },
        { "--out", "--edge", ["defer", "--calibration", "{cal}", "--edge", "{edge}", "--out", "{edge}"] },
        { "--json", "--pairs", ["monitor", "--calibration", "{cal}", "--pairs", "{pairs}", "--json", "{pairs}"] },
        { "--refresh-out", "--calibration", ["monitor", "--calibration", "{cal}", "--pairs", "{pairs}", "--refresh-out", "{cal}"] },
        { "--out", "--model", ["export", "--model", "{model}", "--calibration", "{cal}", "--out", "{model}"] },
    };

    [Theory]
    [MemberData(nameof(OutputIsAnInput))]
    public void An_output_that_is_an_input_is_refused_and_the_input_is_kept(string output, string input, string[] args)
    {
        string Fill(string a) => a.Replace("{cloud}", _cloud).Replace("{edge}", _edge).Replace("{labels}", _labels).Replace("{pairs}", _pairs).Replace("{cal}", _cal).Replace("{model}", _model);
        string target = Fill(args[Array.IndexOf(args, output) + 1]);
        byte[] before = File.ReadAllBytes(target);
        var run = CliRun.Invoke([.. args.Select(Fill)]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{output} '{target}' is the same file as {input}", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void Another_spelling_or_a_symbolic_link_of_the_input_is_the_same_file()
    {
        string dotted = Path.Combine(_dir.Root, ".", "sub", "..", "edge.csv");
        Directory.CreateDirectory(_dir["sub"]);
        var run = CliRun.Invoke("predict", "--calibration", _cal, "--edge", _edge, "--out", dotted);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("is the same file as --edge", run.Stderr);

        string link = _dir["link.csv"];
        File.CreateSymbolicLink(link, _edge);
        run = CliRun.Invoke("predict", "--calibration", _cal, "--edge", _edge, "--out", link);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("is the same file as --edge", run.Stderr);
    }

    [Fact]
    public void Two_outputs_may_not_be_one_file()
    {
        var run = CliRun.Invoke("monitor", "--calibration", _cal, "--pairs", _pairs, "--json", _dir["m.json"], "--refresh-out", _dir["m.json"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is the same file as --json", run.Stderr);
    }

    [Fact]
    public void A_folder_as_an_input_file_says_so()
    {
        var run = CliRun.Invoke("predict", "--calibration", _cal, "--edge", _dir.Root, "--out", _dir["p.csv"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--edge '{_dir.Root}' is a folder", run.Stderr);
        Assert.DoesNotContain("Access to the path", run.Stderr);
    }

    [Fact]
    public void A_folder_as_an_output_file_says_so()
    {
        var run = CliRun.Invoke("predict", "--calibration", _cal, "--edge", _edge, "--out", _dir.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a folder", run.Stderr);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("defer")]
    [InlineData("export")]
    public void An_output_folder_that_does_not_exist_is_named_without_temporary_names(string command)
    {
        string missing = Path.Combine(_dir.Root, "nowhere", "x" + (command == "export" ? ".onnx" : ".csv"));
        string[] args = command == "export"
            ? ["export", "--model", _model, "--calibration", _cal, "--out", missing]
            : [command, "--calibration", _cal, "--edge", _edge, "--out", missing];
        var run = CliRun.Invoke(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"the folder '{Path.Combine(_dir.Root, "nowhere")}' does not exist", run.Stderr);
        Assert.DoesNotContain(".tmp", run.Stderr);
    }

    /// <summary>Issue 22: text from the user (file names with brackets) is printed as text, never read as Spectre markup.</summary>
    [Fact]
    public void File_names_with_brackets_are_printed_as_they_are()
    {
        string odd = Path.Combine(_dir.Root, "[red]run [0, 1]");
        Directory.CreateDirectory(odd);
        string cal = Path.Combine(odd, "cal[1].json");
        var runs = new[]
        {
            CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", cal),
            CliRun.Invoke("evaluate", "--calibration", cal, "--calibration", _cal, "--edge", _edge, "--cloud", _cloud, "--labels", _labels),
            CliRun.Invoke("predict", "--calibration", cal, "--edge", Path.Combine(odd, "missing[0].csv"), "--out", Path.Combine(odd, "p.csv")),
            CliRun.Invoke("predict", "--calibration", cal, "--edge", _edge, "--out", Path.Combine(odd, "[bold]p.csv")),
        };
        Assert.Equal([0, 0, 2, 0], runs.Select(r => r.ExitCode));
        Assert.Contains("cal[1].json", runs[1].Stdout, StringComparison.Ordinal);
        Assert.Contains("missing[0].csv", runs[2].Stderr, StringComparison.Ordinal);
        Assert.All(runs, r => Assert.DoesNotContain("InvalidOperationException", r.Stderr, StringComparison.Ordinal));
    }

    /// <summary>
    /// Every <c>&lt;FILE&gt;</c> option of every command is classified as read or written; this list is the contract, so a
    /// new file option fails here until it is added (and, if it is written, to <see cref="FilePathCheck.Outputs"/>).
    /// </summary>
    [Fact]
    public void Every_file_option_is_known_as_read_or_written()
    {
        var expected = new Dictionary<string, string>
        {
            ["CalibrateSettings"] = "read: cloud deployment-edge edge labels sign-key; written: out",
            ["PredictSettings"] = "read: calibration edge sign-key; written: out",
            ["SqlSettings"] = "read: calibration; written: out",
            ["EvaluateSettings"] = "read: calibration cloud edge labels sign-key; written: json",
            ["DeferSettings"] = "read: calibration edge sign-key; written: out",
            ["MonitorSettings"] = "read: calibration pairs sign-key; written: json refresh-out",
            ["ExportSettings"] = "read: calibration model; written: out",
            ["BenchSettings"] = "read: ; written: json markdown",
        };
        var actual = typeof(CommonSettings).Assembly.GetTypes().Concat(typeof(BenchSettings).Assembly.GetTypes())
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t) && t.IsSealed)
            .Select(t => (t.Name, Options: t.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).Where(o => o?.ValueName == "FILE").Select(o => o!.LongNames[0]).Order().ToList()))
            .Where(x => x.Options.Count > 0)
            .ToDictionary(x => x.Name, x => $"read: {string.Join(' ', x.Options.Where(o => !FilePathCheck.Outputs.Contains(o)))}; written: {string.Join(' ', x.Options.Where(FilePathCheck.Outputs.Contains))}");
        Assert.Equal(expected.OrderBy(x => x.Key), actual.OrderBy(x => x.Key));
    }
}

public sealed class UserPathTests
{
    [Theory]
    [InlineData("No space left on device : '/mnt/d/.out.csv.18ddaf9b8ba1.tmp'", "No space left on device : '/mnt/d/out.csv'")]
    [InlineData("Could not find a part of the path '/x/y/.out_x.csv.18ddaf9b8ba1.tmp'.", "Could not find a part of the path '/x/y/out_x.csv'.")]
    [InlineData("Read-only file system", "Read-only file system")]
    public void Io_messages_name_the_users_file_not_the_temporary_one(string message, string expected)
        => Assert.Equal(expected, CredalApp.UserPath(message));
}
