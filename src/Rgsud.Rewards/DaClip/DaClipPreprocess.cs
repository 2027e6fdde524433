namespace Rgsud.Rewards.DaClip;

/// <summary>How <see cref="DaClipPreprocessing"/> brings an image to the towers' 224×224 input.</summary>
public enum DaClipPreprocess
{
    /// <summary>
    /// CLIP's evaluation transform (open_clip <c>image_transform(224, is_train=False)</c>, what DA-CLIP's examples
    /// use): bicubic resize of the shorter side to 224, then the centre 224×224 crop. The borders of a non-square
    /// image are not seen.
    /// </summary>
    CenterCrop,

    /// <summary>Bicubic resize of the whole image to 224×224 (the aspect ratio is not kept; nothing is cropped away).</summary>
    Resize224,
}
