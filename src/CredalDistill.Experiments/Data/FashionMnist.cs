using CredalDistill.IO;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// Loads the Fashion-MNIST test split bundled under <c>data/fashion-mnist/</c> (Debian package
/// <c>dataset-fashion-mnist</c>, MIT licence) and filters it to a <see cref="FashionMnistTask"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>File name of the bundled test images.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte.gz";

    /// <summary>File name of the bundled test labels.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    /// <summary>Sub-directory of <c>data/</c> holding the bundled files.</summary>
    public const string SubDirectory = "fashion-mnist";

    /// <summary>
    /// Finds the repository's <c>data/</c> directory by walking up from <paramref name="start"/>
    /// (default <see cref="AppContext.BaseDirectory"/>) until a directory containing
    /// <c>data/fashion-mnist/t10k-images-idx3-ubyte.gz</c> is found.
    /// </summary>
    /// <param name="start">Directory to start from.</param>
    /// <returns>The full path of the <c>data</c> directory.</returns>
    public static string FindDataDirectory(string? start = null) => DataDirectory.Find(SubDirectory, TestImagesFile, start);

    /// <summary>Loads the bundled 10,000-image test split restricted to <paramref name="task"/>.</summary>
    /// <param name="task">FMNIST-3 or FMNIST-10.</param>
    /// <param name="dataDirectory">The <c>data</c> directory; found with <see cref="FindDataDirectory"/> when null.</param>
    /// <returns>The images and task labels, in file order.</returns>
    public static FashionMnistDataset LoadTest(FashionMnistTask task, string? dataDirectory = null)
    {
        string dir = Path.Combine(dataDirectory ?? FindDataDirectory(), SubDirectory);
        return Load(Path.Combine(dir, TestImagesFile), Path.Combine(dir, TestLabelsFile), task);
    }

    /// <summary>Loads an image/label IDX pair (gzip or plain) and restricts it to <paramref name="task"/>.</summary>
    /// <param name="imagesPath">IDX image file, 28 x 28 unsigned bytes per image.</param>
    /// <param name="labelsPath">IDX label file with labels 0..9, as many as images.</param>
    /// <param name="task">The task; images of other classes are dropped, labels remapped.</param>
    /// <returns>The images (scaled to [0, 1]) and task labels, in file order.</returns>
    public static FashionMnistDataset Load(string imagesPath, string labelsPath, FashionMnistTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        IdxImages images = IdxReader.ReadImages(imagesPath);
        if (images.Rows != FashionMnistDataset.Side || images.Columns != FashionMnistDataset.Side)
        {
            throw new DataFormatException(imagesPath, $"images are {images.Rows} x {images.Columns}; Fashion-MNIST images are 28 x 28");
        }

        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new DataFormatException(labelsPath, $"{labels.Length} labels but {Path.GetFileName(imagesPath)} has {images.Count} images");
        }

        int kept = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] > 9)
            {
                throw new DataFormatException(labelsPath, $"label {labels[i]} is outside 0..9", row: i + 1);
            }

            if (task.MapLabel(labels[i]) >= 0)
            {
                kept++;
            }
        }

        const int P = FashionMnistDataset.PixelsPerImage;
        float[] pixels = new float[kept * P];
        int[] taskLabels = new int[kept];
        int row = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = task.MapLabel(labels[i]);
            if (y < 0)
            {
                continue;
            }

            taskLabels[row] = y;
            ReadOnlySpan<byte> src = images.Pixels.AsSpan(i * P, P);
            Span<float> dst = pixels.AsSpan(row * P, P);
            for (int j = 0; j < P; j++)
            {
                dst[j] = src[j] / 255f;
            }

            row++;
        }

        return new FashionMnistDataset(task, pixels, taskLabels);
    }
}
