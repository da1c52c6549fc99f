using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CredalDistill.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CredalDistill.Tests;

/// <summary>The test redirects <see cref="Console.Out"/>, so it runs alone.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// The README's C# example, taken from README.md at test time (the first <c>```csharp</c> block), compiled in process
/// with Roslyn against the loaded CredalDistill assembly and run on synthetic data; the numbers it prints are checked
/// against values computed here from first principles (sorted KL scores, binary-KL roots by bisection, the tempered
/// softmax, the intersection-probability formula), not by calling the same library functions.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public class ReadmeExampleTests
{
    private const int K = 10;
    private const int N = 200;

    [Fact]
    public void Readme_library_example_compiles_runs_and_prints_the_right_numbers()
    {
        var (cloudRows, edgeLogits, z) = Data();
        string printed = Run(ReadmeCode(), cloudRows, edgeLogits, z);

        double gamma = Number(printed, @"gamma = (\S+) nats");
        var m = Regex.Match(printed, @"class 0: \[(\S+), (\S+)\], maximum entropy (\S+)");
        Assert.True(m.Success, printed);
        (double lower0, double upper0, double maxEnt0) = (Parse(m.Groups[1].Value), Parse(m.Groups[2].Value), Parse(m.Groups[3].Value));
        double intersection0 = Number(printed, @"intersection probability of class 0 on row 0: (\S+)");

        // gamma = the k-th smallest KL(cloud_i || edge_i), k = ceil((n + 1)(1 - 0.1)) = 181.
        double[] scores = new double[N];
        for (int i = 0; i < N; i++)
        {
            scores[i] = Kl(cloudRows.AsSpan(i * K, K), SoftmaxOf(edgeLogits.AsSpan(i * K, K), 1.0));
        }

        Array.Sort(scores);
        Assert.Equal(scores[180], gamma, 1e-12);

        // Bounds of class 0 around softmax(z): the roots of the binary KL(t || p_0) = gamma (the binary reduction).
        double[] p = SoftmaxOf(z, 1.0);
        Assert.Equal(BinaryKlRoot(p[0], gamma, below: true), lower0, 1e-9);
        Assert.Equal(BinaryKlRoot(p[0], gamma, below: false), upper0, 1e-9);

        // KL maximum entropy: softmax(z / T) with KL(q_T || p) = gamma, T found here by bisection.
        double lo = 1.0, hi = 1e6;
        for (int it = 0; it < 200; it++)
        {
            double mid = Math.Sqrt(lo * hi);
            (Kl(SoftmaxOf(z, mid), p) < gamma ? ref lo : ref hi) = mid;
        }

        Assert.True(Kl(SoftmaxOf(z, hi), p) > gamma * 0.999, "the uniform distribution must lie outside the ball for this check");
        Assert.Equal(SoftmaxOf(z, lo)[0], maxEnt0, 1e-9);

        // Intersection probability of row 0 of the calibration edge: l_k + alpha (u_k - l_k), alpha = (1 - sum l) / sum (u - l).
        double[] e0 = SoftmaxOf(edgeLogits.AsSpan(0, K), 1.0);
        double[] l = [.. e0.Select(pk => BinaryKlRoot(pk, gamma, below: true))];
        double[] u = [.. e0.Select(pk => BinaryKlRoot(pk, gamma, below: false))];
        double alpha = (1.0 - l.Sum()) / (u.Sum() - l.Sum());
        Assert.Equal(l[0] + (alpha * (u[0] - l[0])), intersection0, 1e-9);

        // Map, then CD-CI (METHOD.md 3.5): the matrix map minimises the mean KL(cloud || softmax(W l + b)) plus the penalty on
        // W's off-diagonal and b over the first half of the rows; the synthetic cloud is exactly softmax(z / 3), so W = I / 3,
        // b = 0 reaches KL = 0 at zero penalty, the unique minimiser whatever the regularization.
        Assert.Equal(1.0 / 3.0, Number(printed, @"W\[0,0\] = (\S+),"), 1e-6);
        Assert.Equal(100.0, Number(printed, @"matrix map on (\d+) rows"));
    }

    /// <summary>The first <c>```csharp</c> block of README.md.</summary>
    private static string ReadmeCode()
    {
        string readme = File.ReadAllText(PublicApiListing.RepositoryFile("README.md"));
        var block = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no ```csharp block");
        return block.Groups[1].Value;
    }

    /// <summary>
    /// Compiles the README code as the body of <c>Run(cloudRows, edgeLogits, z)</c> (its <c>using</c> lines stay at the
    /// top, the SDK's implicit usings are added) and runs it with the console captured.
    /// </summary>
    private static string Run(string code, double[] cloudRows, double[] edgeLogits, double[] z)
    {
        string[] lines = code.Split('\n');
        string usings = string.Join('\n', lines.Where(s => s.StartsWith("using ", StringComparison.Ordinal)));
        string body = string.Join('\n', lines.Where(s => !s.StartsWith("using ", StringComparison.Ordinal)));
        string source = $$"""
            global using System;
            global using System.Collections.Generic;
            global using System.Linq;
            {{usings}}
            public static class ReadmeExample
            {
                public static void Run(double[] cloudRows, double[] edgeLogits, double[] z)
                {
            {{body}}
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(ProbabilityMatrix).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "ReadmeExample",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "README example does not compile:\n" + string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));

        MethodInfo run = Assembly.Load(image.ToArray()).GetType("ReadmeExample")!.GetMethod("Run")!;
        TextWriter original = Console.Out;
        using var captured = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(captured);
        try
        {
            run.Invoke(null, [cloudRows, edgeLogits, z]);
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.ToString();
    }

    /// <summary>Cloud = softmax(z / 3) of the edge logits z ~ U(0, 4), plus one fresh input's logits.</summary>
    private static (double[] CloudRows, double[] EdgeLogits, double[] Z) Data()
    {
        var rng = new Random(3);
        var edgeLogits = new double[N * K];
        for (int i = 0; i < edgeLogits.Length; i++)
        {
            edgeLogits[i] = 4 * rng.NextDouble();
        }

        var cloudRows = new double[N * K];
        for (int i = 0; i < N; i++)
        {
            SoftmaxOf(edgeLogits.AsSpan(i * K, K), 3.0).CopyTo(cloudRows, i * K);
        }

        double[] z = [.. Enumerable.Range(0, K).Select(_ => 4 * rng.NextDouble())];
        return (cloudRows, edgeLogits, z);
    }

    private static double Number(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        Assert.True(m.Success, $"'{pattern}' not in the output:\n{text}");
        return Parse(m.Groups[1].Value);
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double[] SoftmaxOf(ReadOnlySpan<double> logits, double temperature)
    {
        double max = double.NegativeInfinity;
        foreach (double x in logits)
        {
            max = Math.Max(max, x);
        }

        double[] q = new double[logits.Length];
        double sum = 0;
        for (int j = 0; j < q.Length; j++)
        {
            q[j] = Math.Exp((logits[j] - max) / temperature);
            sum += q[j];
        }

        for (int j = 0; j < q.Length; j++)
        {
            q[j] /= sum;
        }

        return q;
    }

    private static double Kl(ReadOnlySpan<double> q, ReadOnlySpan<double> p)
    {
        double s = 0;
        for (int j = 0; j < q.Length; j++)
        {
            s += q[j] > 0 ? q[j] * Math.Log(q[j] / p[j]) : 0;
        }

        return s;
    }

    /// <summary>The root of <c>t log(t / p) + (1 - t) log((1 - t) / (1 - p)) = gamma</c> below or above <paramref name="p"/> (0 or 1 when none).</summary>
    private static double BinaryKlRoot(double p, double gamma, bool below)
    {
        double Binary(double t) => Kl([t, 1 - t], [p, 1 - p]);
        double inside = p, outside = below ? 0.0 : 1.0;
        if (Binary(outside) <= gamma)
        {
            return outside;
        }

        for (int it = 0; it < 200; it++)
        {
            double mid = 0.5 * (inside + outside);
            (Binary(mid) <= gamma ? ref inside : ref outside) = mid;
        }

        return inside;
    }
}
