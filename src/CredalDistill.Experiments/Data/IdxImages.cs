namespace CredalDistill.Experiments.Data;

/// <summary>A stack of unsigned-byte images read from an IDX file, stored row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height in pixels.</param>
/// <param name="Columns">Image width in pixels.</param>
/// <param name="Pixels">All pixels, <c>Count * Rows * Columns</c> bytes, image after image.</param>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    /// <summary>Pixels per image (<c>Rows * Columns</c>).</summary>
    public int PixelsPerImage => Rows * Columns;
}
