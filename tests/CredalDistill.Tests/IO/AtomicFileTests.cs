using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writer_that_throws_midway_leaves_no_file()
    {
        string p = _dir.File("out.csv");
        Assert.Throws<InvalidOperationException>(() => CsvTableWriter.WriteFile(p, ["a", "b"], csv =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                csv.Write(i);
                csv.Write(i * 0.5);
                csv.EndRow();
            }

            throw new InvalidOperationException("boom");
        }));
        Assert.False(File.Exists(p));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Failed_write_keeps_the_previous_file_intact()
    {
        string p = _dir.WriteText("out.csv", "old\n");
        Assert.Throws<IOException>(() => AtomicFile.Write(p, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal("old\n", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Successful_write_replaces_the_file_and_removes_the_temporary()
    {
        string p = _dir.WriteText("out.txt", "old\n");
        AtomicFile.WriteText(p, w => w.WriteLine("new"));
        Assert.Equal("new\n", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Disposing_an_uncommitted_writer_deletes_the_temporary()
    {
        string p = _dir.File("x.npy");
        string temp;
        using (var w = AtomicFileWriter.Create(p))
        {
            temp = w.TemporaryPath;
            w.Stream.WriteByte(1);
            Assert.True(File.Exists(temp));
            Assert.Equal(Path.GetDirectoryName(Path.GetFullPath(p)), Path.GetDirectoryName(temp));
        }

        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(p));
    }

    [Fact]
    public void Matrix_write_with_bad_arguments_leaves_no_file()
    {
        string p = _dir.File("m.csv");
        Assert.Throws<ArgumentException>(() => MatrixFile.Write(p, [1, 2, 3], 2, 2, ["a", "b"]));
        Assert.Throws<DataFormatException>(() => MatrixFile.Write(_dir.File("m.txt"), [1, 2], 1, 2));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
