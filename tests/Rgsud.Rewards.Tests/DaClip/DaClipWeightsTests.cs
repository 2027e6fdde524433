using Rgsud.Rewards.DaClip;
using Rgsud.Testing;
using Rgsud.Weights;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.DaClip;

public sealed class DaClipWeightsTests
{
    [Fact]
    public void Load_MissingFile_ThrowsNamingTheFile()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("nope.safetensors");
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith($"{path}: file not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithoutTextEmbeddings_ThrowsNamingTheFileAndTheTensor()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("no-text.safetensors");
        WriteModified(path, state => state.Remove("text_embeddings"));
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("has no 'text_embeddings' tensor", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["text_embeddings"], ex.Missing);
    }

    [Fact]
    public void Load_TextEmbeddingsOfTheWrongShape_Throws()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("short-text.safetensors");
        WriteModified(path, state => state["text_embeddings"] = nn.functional.normalize(randn(10, 16), p: 2, dim: -1));
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(["text_embeddings: file [10, 16] F32 vs expected [10, 32] F32"], ex.Mismatched);
    }

    [Fact]
    public void Load_TowerTensorOfTheWrongShape_ThrowsListingIt()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("bad-proj.safetensors");
        WriteModified(path, state => state["visual_control.proj"] = zeros(64, 16));
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Single(ex.Mismatched, m => m.StartsWith("visual_control.proj: file [64, 16] F32 vs module [64, 32]", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingOrExtraTowerTensor_ThrowsListingIt()
    {
        using var tmp = new TempDirectory();
        var missing = tmp.File("missing.safetensors");
        WriteModified(missing, state => state.Remove("visual_control.transformer.zero_modules.1.bias"));
        Assert.Equal(["visual_control.transformer.zero_modules.1.bias"], Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(missing)).Missing);
        var extra = tmp.File("extra.safetensors");
        WriteModified(extra, state => state["visual.proj"] = zeros(64, 32));
        Assert.Equal(["visual.proj"], Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(extra)).Unexpected);
    }

    [Fact]
    public void Load_UnnormalisedTextEmbeddings_Throws()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("raw-text.safetensors");
        WriteModified(path, state => state["text_embeddings"] = ones(10, 32));
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Contains("row 0 ('motion-blurry') has length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherSafetensors_IsNotTakenForDaClip()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("linear.safetensors");
        using (var linear = nn.Linear(4, 4)) ModuleWeights.Save(linear, path);
        var ex = Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("has no 'format' metadata, not DA-CLIP weights for Rgsud ('rgsud.daclip'); convert DA-CLIP's daclip_ViT-B-32.pt with tools/convert_daclip.py",
            ex.Message, StringComparison.Ordinal);

        var future = tmp.File("v2.safetensors");
        WriteModified(future, _ => { }, meta => meta["format_version"] = "2");
        Assert.Contains("format version '2' is not supported", Assert.Throws<RgsudWeightsException>(() => DaClipScorer.Load(future)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CustomWords_AreRead_AndTheRewardWordMustBeAmongThem()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("words.safetensors");
        using (var model = DaClipTestModels.Random(words: ["clean", "rainy", "raindrop"])) model.Save(path);
        using var scorer = DaClipScorer.Load(path);
        Assert.Equal(["clean", "rainy", "raindrop"], scorer.DegradationWords);
        Assert.Throws<RgsudException>(() => DaClipScorer.Load(path, new DaClipOptions { RewardDegradation = "snowy" }));
    }

    /// <summary>Saves a random model's state through the same writer with a change to its tensors or metadata.</summary>
    private static void WriteModified(string path, Action<Dictionary<string, Tensor>> change, Action<Dictionary<string, string>>? changeMetadata = null)
    {
        using var scope = NewDisposeScope();
        using var model = DaClipTestModels.Random();
        var state = new Dictionary<string, Tensor>(model.state_dict(), StringComparer.Ordinal);
        change(state);
        var metadata = DaClipWeightsFormat.Metadata(model.Config, model.Degradations, null);
        changeMetadata?.Invoke(metadata);
        SafeTensors.Write(path, state, metadata);
    }
}
