using System.Text;
using CredalDistill.IO;
using CsCheck;
using Xunit.Abstractions;

namespace CredalDistill.Tests.IO;

/// <summary>
/// Byte fuzzing of every reader (docs/RELIABILITY.md): random bytes and mutations (bit flips, byte overwrites,
/// insertions, deletions, truncations, duplicated chunks) of valid seed files. The only failures allowed are the
/// documented exception type with a message naming the file: <see cref="DataFormatException"/> for CSV, NPY, labels
/// and artifacts (the IDX reader of the experiments has its own tests in CredalDistill.Experiments.Tests). Anything else (or a crash) fails the test. The number
/// of inputs tried is printed (run with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Inputs per reader and generator; 7 targets x 2 generators x 1500 = 21,000 inputs per run.</summary>
    public const int Iterations = 1500;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Targets => [.. TargetNames];

    private static readonly string[] TargetNames = ["csv-matrix", "npy-matrix", "csv-labels", "npy-labels", "artifact", "csv-probabilities", "artifact-rehashed"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Random_bytes_only_give_documented_errors(string target)
    {
        var gen = Gen.Byte.Array[0, 600];
        Run(target, gen, "random");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_valid_files_only_give_documented_errors(string target)
    {
        byte[][] seeds = Seeds(target);
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[1, 64]);
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], mutation.Array[1, 6], (s, ops) => Mutate(seeds[s], ops));
        if (target == "artifact-rehashed")
        {
            // Recompute the checksum after mutating, so mutations reach the field and value checks behind it.
            gen = gen.Select(Rehash);
        }

        Run(target, gen, "mutated");
    }

    private void Run(string target, Gen<byte[]> gen, string kind)
    {
        string extension = target switch
        {
            "csv-matrix" or "csv-labels" or "csv-probabilities" => ".csv",
            "npy-matrix" or "npy-labels" => ".npy",
            _ => ".json",
        };
        var read = Reader(target);
        int tried = 0;
        int accepted = 0;
        gen.Sample(bytes =>
        {
            string path = _dir.File($"fuzz-{Guid.NewGuid():N}{extension}");
            File.WriteAllBytes(path, bytes);
            Interlocked.Increment(ref tried);
            try
            {
                read(path);
                Interlocked.Increment(ref accepted);
            }
            catch (DataFormatException ex)
            {
                Assert.StartsWith(Path.GetFileName(path), ex.Message);
                Assert.False(string.IsNullOrWhiteSpace(ex.Problem));
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: Iterations);
        output.WriteLine($"fuzz {target} {kind}: {tried} inputs, {accepted} accepted, {tried - accepted} refused with a documented error");
        Assert.Equal(Iterations, tried);
    }

    private static Action<string> Reader(string target) => target switch
    {
        "csv-matrix" or "npy-matrix" => p => MatrixFile.Read(p),
        "csv-probabilities" => p => MatrixFile.ReadProbabilities(p, expectedClasses: 3),
        "csv-labels" or "npy-labels" => p => LabelFile.Read(p, classes: 10),
        _ => p => CalibrationArtifact.Load(p),
    };

    /// <summary>Valid files of each kind, built here byte for byte.</summary>
    private byte[][] Seeds(string target)
    {
        switch (target)
        {
            case "csv-matrix":
            case "csv-probabilities":
                return
                [
                    Encoding.UTF8.GetBytes("a,b,c\n0.2,0.3,0.5\n1e-1,0.9,0\n"),
                    Encoding.UTF8.GetBytes("0.25,0.25,0.5\r\n0.5,0.5,0\r\n\r\n"),
                    Encoding.UTF8.GetBytes("\uFEFF\"x\",y,z\n0.1,0.1,0.8"),
                ];
            case "csv-labels":
                return [Encoding.UTF8.GetBytes("label\n0\n3\n9\n"), Encoding.UTF8.GetBytes("1\n2.0\n3.000000000000000000e+00\n")];
            case "npy-matrix":
                return
                [
                    NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 3)"), NpyBytes.Float64(0.2, 0.3, 0.5, 0.1, 0.1, 0.8)),
                    NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 2)", fortran: true), NpyBytes.Float32(0.5f, 0.25f, 0.5f, 0.75f)),
                    NpyBytes.Build(NpyBytes.Dict("|u1", "(2, 2)"), [0, 1, 1, 0], major: 2),
                    NpyBytes.Build(NpyBytes.Dict(">f2", "(1, 2)"), [0x38, 0x00, 0x38, 0x00]),
                ];
            case "npy-labels":
                return
                [
                    NpyBytes.Build(NpyBytes.Dict("<i8", "(3,)"), NpyBytes.Int64(2, 0, 9)),
                    NpyBytes.Build(NpyBytes.Dict("|u1", "(4, 1)"), [1, 2, 3, 4]),
                    NpyBytes.Build(NpyBytes.Dict(">i4", "(2,)"), [0, 0, 0, 5, 0, 0, 0, 7], major: 3),
                ];
            default:
                string a = _dir.File("seed.json");
                CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 1000, 10, 0.25, new ArtifactScoreSummary(0.01, 0.1, 2.5, 0.2), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Save(a);
                string b = _dir.File("seed2.json");
                CalibrationArtifact.Cdci(Divergences.Divergence.Parse("alpha:0.5"), 0.05, 20, 3, 1.5, new ArtifactScoreSummary(0, 0.5, 3), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Save(b);
                string c = _dir.File("seed3.json");
                CalibrationArtifact.Cdci(Divergences.Divergence.Parse("tv"), 0.2, 50, 4, 0.1, new ArtifactScoreSummary(0, 0.05, 0.5), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Save(c, new byte[32]);
                return [File.ReadAllBytes(a), File.ReadAllBytes(b), File.ReadAllBytes(c)];
        }
    }

    /// <summary>Applies the checksum rule of docs/FILE-FORMATS.md when a 64-hex-digit sha256 value is still present.</summary>
    private static byte[] Rehash(byte[] bytes)
    {
        byte[] key = Encoding.ASCII.GetBytes("\"sha256\": \"");
        int at = bytes.AsSpan().IndexOf(key);
        if (at < 0 || at + key.Length + 64 > bytes.Length)
        {
            return bytes;
        }

        var value = bytes.AsSpan(at + key.Length, 64);
        if (value.ContainsAnyExcept("0123456789abcdef"u8))
        {
            return bytes;
        }

        value.Fill((byte)'0');
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), value);
        return bytes;
    }

    /// <summary>Applies (kind, position, byte, length) operations: flip a bit, set, insert, delete, truncate, duplicate.</summary>
    private static byte[] Mutate(byte[] seed, (int Kind, int Position, byte Value, int Length)[] ops)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, position, value, length) in ops)
        {
            int at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case 2:
                    bytes.Insert(at, value);
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(length, bytes.Count - at));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5 when bytes.Count > 0:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(length, bytes.Count - at)));
                    break;
            }
        }

        return [.. bytes];
    }
}
