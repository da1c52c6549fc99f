using System.Buffers.Binary;
using System.IO.Compression;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Experiments.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("credaldistill-idx-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void BundledTestSplitHas10000ImagesAnd1000PerClass()
    {
        string data = Path.Combine(FashionMnist.FindDataDirectory(), FashionMnist.SubDirectory);
        IdxImages images = IdxReader.ReadImages(Path.Combine(data, FashionMnist.TestImagesFile));
        byte[] labels = IdxReader.ReadLabels(Path.Combine(data, FashionMnist.TestLabelsFile));
        Assert.Equal(10_000, images.Count);
        Assert.Equal(28, images.Rows);
        Assert.Equal(28, images.Columns);
        Assert.Equal(10_000 * 784, images.Pixels.Length);
        Assert.Equal(10_000, labels.Length);

        FashionMnistDataset all = FashionMnist.LoadTest(FashionMnistTask.Fmnist10);
        Assert.Equal(10_000, all.Count);
        Assert.All(all.ClassCounts(), c => Assert.Equal(1_000, c));
        Assert.All(all.Images, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(images.Pixels[0] / 255f, all.Images[0]);
    }

    [Fact]
    public void Fmnist3SubsetHas3000ImagesRemappedInOrder()
    {
        FashionMnistDataset all = FashionMnist.LoadTest(FashionMnistTask.Fmnist10);
        FashionMnistDataset three = FashionMnist.LoadTest(FashionMnistTask.Fmnist3);
        Assert.Equal(3, three.Classes);
        Assert.Equal(3_000, three.Count);
        Assert.Equal([1_000, 1_000, 1_000], three.ClassCounts());
        Assert.Equal(["T-shirt/top", "Pullover", "Shirt"], FashionMnistTask.Fmnist3.ClassNames);

        // The i-th kept image is the i-th image of classes {0, 2, 6} in file order.
        int[] original = [0, 2, 6];
        int row = 0;
        for (int i = 0; i < all.Count && row < 50; i++)
        {
            int y = all.Labels[i];
            if (Array.IndexOf(original, y) < 0)
            {
                continue;
            }

            Assert.Equal(Array.IndexOf(original, y), three.Labels[row]);
            Assert.True(all.Image(i).SequenceEqual(three.Image(row)));
            row++;
        }
    }

    [Fact]
    public void PlainAndGzipFilesGiveTheSameContent()
    {
        byte[] file = Idx(0x00000803, [2, 3, 4], Enumerable.Range(0, 24).Select(i => (byte)i).ToArray());
        string plain = Write("plain.idx", file);
        string gz = WriteGzip("packed.idx.gz", file);
        IdxImages a = IdxReader.ReadImages(plain);
        IdxImages b = IdxReader.ReadImages(gz);
        Assert.Equal((2, 3, 4), (a.Count, a.Rows, a.Columns));
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(23, a.Pixels[^1]);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        string path = Write("labels-as-images.idx", Idx(0x00000801, [5], new byte[5]));
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(Path.GetFileName(path) + ": ", ex.Message);
        Assert.Contains("magic", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
    }

    [Fact]
    public void BundledLabelFileIsNotAcceptedAsImages()
    {
        string labels = Path.Combine(FashionMnist.FindDataDirectory(), FashionMnist.SubDirectory, FashionMnist.TestLabelsFile);
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(labels));
        Assert.Contains("magic", ex.Message);
    }

    [Fact]
    public void TruncatedDataIsRejected()
    {
        byte[] file = Idx(0x00000803, [2, 28, 28], new byte[2 * 784]);
        string path = Write("truncated.idx", file[..^10]);
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(Path.GetFileName(path) + ": ", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        byte[] file = Idx(0x00000801, [3], [1, 2, 3]);
        string path = Write("trailing.idx", [.. file, 7]);
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("trailing", ex.Message);
    }

    [Fact]
    public void TruncatedHeaderAndEmptyFileAreRejected()
    {
        string header = Write("header.idx", Idx(0x00000803, [2, 28, 28], [])[..9]);
        Assert.Contains("header", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(header)).Message);
        string empty = Write("empty.idx", []);
        Assert.Contains("too short", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(empty)).Message);
    }

    [Fact]
    public void ZeroDimensionIsRejected()
    {
        string path = Write("zero.idx", Idx(0x00000803, [0, 28, 28], []));
        Assert.Contains("dimension 0", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path)).Message);
    }

    [Fact]
    public void TruncatedGzipIsRejected()
    {
        string source = Path.Combine(FashionMnist.FindDataDirectory(), FashionMnist.SubDirectory, FashionMnist.TestLabelsFile);
        byte[] gz = File.ReadAllBytes(source);
        string path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(Path.GetFileName(path) + ": ", ex.Message);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        string path = Path.Combine(dir, "nope.idx");
        var ex = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(path));
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void ImageLabelCountMismatchIsRejected()
    {
        string images = Write("i.idx", Idx(0x00000803, [2, 28, 28], new byte[2 * 784]));
        string labels = Write("l.idx", Idx(0x00000801, [3], [0, 1, 2]));
        var ex = Assert.Throws<DataFormatException>(() => FashionMnist.Load(images, labels, FashionMnistTask.Fmnist10));
        Assert.Contains("3 labels", ex.Message);
    }

    [Fact]
    public void OutOfRangeLabelIsRejectedWithItsPosition()
    {
        string images = Write("i.idx", Idx(0x00000803, [2, 28, 28], new byte[2 * 784]));
        string labels = Write("l.idx", Idx(0x00000801, [2], [1, 12]));
        var ex = Assert.Throws<DataFormatException>(() => FashionMnist.Load(images, labels, FashionMnistTask.Fmnist10));
        Assert.Equal((labels, 2, (int?)null), (ex.FilePath, ex.Row, ex.Column));
        Assert.Equal("l.idx row 2: label 12 is outside 0..9", ex.Message);
    }

    [Fact]
    public void HeaderClaimingTwoBillionImagesIsRefusedBeforeAllocating()
    {
        string path = Write("images.idx", [0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains($"exceed the {IdxReader.MaxBytes}-byte limit", ex.Message);
    }

    /// <summary>
    /// Every truncation and every single-bit flip of small valid files (plain and gzip): each either reads or fails
    /// with a <see cref="DataFormatException"/> naming the file, never with another exception type.
    /// </summary>
    [Fact]
    public void EveryTruncationAndBitFlipGivesADataFormatErrorOrAValidRead()
    {
        byte[] images = Idx(IdxReader.ImagesMagic, [2, 2, 3], Enumerable.Range(1, 12).Select(i => (byte)i).ToArray());
        byte[] labels = Idx(IdxReader.LabelsMagic, [4], [3, 1, 4, 1]);
        (string Name, byte[] Bytes, Func<string, object> Read)[] seeds =
        [
            ("images.idx", images, p => IdxReader.ReadImages(p)),
            ("labels.idx", labels, p => IdxReader.ReadLabels(p)),
            ("images.gz", Gzip(images), p => IdxReader.ReadImages(p)),
        ];
        int refused = 0;
        int tried = 0;
        foreach (var (name, bytes, read) in seeds)
        {
            var variants = Enumerable.Range(0, bytes.Length).Select(n => bytes[..n])
                .Concat(Enumerable.Range(0, bytes.Length * 8).Select(bit =>
                {
                    byte[] flipped = (byte[])bytes.Clone();
                    flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                    return flipped;
                }));
            foreach (byte[] variant in variants)
            {
                string path = Write(name, variant);
                tried++;
                try
                {
                    read(path);
                }
                catch (DataFormatException ex)
                {
                    Assert.Equal(path, ex.FilePath);
                    Assert.StartsWith(name + ": ", ex.Message);
                    refused++;
                }
            }
        }

        // Every truncation is refused (3 seeds); most flips are too (a flipped data byte still reads).
        Assert.True(refused >= images.Length + labels.Length + Gzip(images).Length, $"{refused} of {tried} refused");
    }

    [Fact]
    public void TaskNamesParse()
    {
        Assert.Same(FashionMnistTask.Fmnist3, FashionMnistTask.Parse("FMNIST-3"));
        Assert.Same(FashionMnistTask.Fmnist10, FashionMnistTask.Parse("fmnist10"));
        Assert.Throws<ArgumentException>(() => FashionMnistTask.Parse("cifar"));
    }

    private static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        byte[] file = new byte[4 + (4 * dims.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (int d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + (4 * d)), dims[d]);
        }

        data.CopyTo(file, 4 + (4 * dims.Length));
        return file;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(bytes);
        }

        return buffer.ToArray();
    }

    private string WriteGzip(string name, byte[] bytes) => Write(name, Gzip(bytes));
}
