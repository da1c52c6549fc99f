using CredalDistill.IO;
using CsCheck;

namespace CredalDistill.Tests.IO;

public sealed class RoundTripPropertyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Any_doubles_round_trip_bit_exactly_through_csv_and_npy()
    {
        var gen = from rows in Gen.Int[1, 8]
                  from cols in Gen.Int[1, 6]
                  from data in Gen.Double.Array[rows * cols]
                  select (rows, cols, data);
        int i = 0;
        gen.Sample(t =>
        {
            // CsCheck samples on several threads: each sample needs its own file names.
            int id = Interlocked.Increment(ref i);
            string csv = _dir.File($"p{id}.csv");
            string npy = _dir.File($"p{id}.npy");
            MatrixFile.Write(csv, t.data, t.rows, t.cols);
            MatrixFile.Write(npy, t.data, t.rows, t.cols);
            var a = MatrixFile.Read(csv).Data;
            var b = MatrixFile.Read(npy).Data;
            for (int k = 0; k < t.data.Length; k++)
            {
                long expected = BitConverter.DoubleToInt64Bits(t.data[k]);
                Assert.Equal(expected, BitConverter.DoubleToInt64Bits(b[k]));
                if (!double.IsNaN(t.data[k]))
                {
                    Assert.Equal(expected, BitConverter.DoubleToInt64Bits(a[k]));
                }
            }
        }, iter: 150);
    }
}
