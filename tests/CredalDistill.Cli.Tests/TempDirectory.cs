using System.Globalization;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>A temporary directory with helpers to write synthetic cloud/edge/label files.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "credal-cli-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string name] => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Synthetic paired outputs: labels, cloud (sharper) and edge (noisier), row-major.</summary>
    public static (double[] Cloud, double[] Edge, int[] Labels) Synthetic(int n, int k, int seed)
    {
        var rng = new Random(seed);
        var cloud = new double[n * k];
        var edge = new double[n * k];
        var labels = new int[n];
        var z = new double[k];
        var e = new double[k];
        for (int i = 0; i < n; i++)
        {
            int y = rng.Next(k);
            labels[i] = y;
            for (int j = 0; j < k; j++)
            {
                z[j] = Gauss(rng) + (j == y ? 2.5 : 0.0);
                e[j] = (0.6 * z[j]) + (0.5 * Gauss(rng));
            }

            Softmax(z, cloud.AsSpan(i * k, k));
            Softmax(e, edge.AsSpan(i * k, k));
        }

        return (cloud, edge, labels);
    }

    public string WriteMatrix(string name, double[] data, int k)
    {
        string path = this[name];
        MatrixFile.Write(path, data, data.Length / k, k, Enumerable.Range(0, k).Select(j => "c" + j.ToString(CultureInfo.InvariantCulture)).ToArray());
        return path;
    }

    public string WriteLabels(string name, int[] labels)
    {
        string path = this[name];
        LabelFile.Write(path, labels);
        return path;
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    private static void Softmax(double[] z, Span<double> dest)
    {
        double max = z.Max();
        double sum = 0.0;
        for (int j = 0; j < z.Length; j++)
        {
            dest[j] = Math.Exp(z[j] - max);
            sum += dest[j];
        }

        for (int j = 0; j < z.Length; j++)
        {
            dest[j] /= sum;
        }
    }
}
