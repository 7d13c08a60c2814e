"""TF1 numbers for ``tf.image`` (``tests/test_image.py``).

``compute(tf)`` is one TF1 program written against the module it is given: real
``tensorflow.compat.v1`` when this file is run as a script (it then prints the
``TF1_EXPECTED`` literal of ``tests/tf1_programs/image_values.py``: name -> (shape, dtype,
flat values)), graphflow in the test. Inputs are fixed formulas (no random generator), so
both sides see the same values. Every deterministic function runs on float and integer
images, 3-D and 4-D, upsampling and downsampling with each resize kernel and grid, and
the gradients TF1 defines are fetched too.

Usage, with a Python that has TensorFlow installed (Eigen kernels, as in TF1)::

    TF_ENABLE_ONEDNN_OPTS=0 python tests/tf1_programs/image_program.py \\
        > tests/tf1_programs/image_values.py
"""

import numpy as np


def _values(shape, mult, mod, dtype=np.float32, scale=1.0):
    """Deterministic values in [0, scale] (floats) or [0, mod) (ints)."""
    k = np.arange(int(np.prod(shape)))
    v = (k * mult + 3) % mod
    if np.dtype(dtype).kind == "f":
        v = v / (mod - 1) * scale
    return v.reshape(shape).astype(dtype)


def compute(tf, unknown_shapes=False):
    """Every value the program fetches, by name. With ``unknown_shapes`` (graphflow only)
    each image is a ``placeholder_with_default`` whose dims are all None, so every
    function takes its run-time path; the numbers must not change."""

    def given(value):
        if unknown_shapes:
            return tf.placeholder_with_default(value, [None] * value.ndim)
        return tf.constant(value)

    x = given(_values((2, 4, 5, 2), 7, 23))
    tall = given(_values((1, 26, 3, 1), 5, 11))
    halves = given(_values((1, 6, 4, 1), 5, 11))
    rgb = given(_values((2, 3, 4, 3), 11, 29))
    u8 = given(_values((2, 3, 4, 3), 37, 256, np.uint8))
    i32 = given(_values((1, 3, 4, 1), 9, 50, np.int32))
    f64 = given(_values((3, 4, 2), 5, 13, np.float64))
    out = {}

    def grads(name, y, x):
        w = tf.stop_gradient(tf.sin(y * 7.0 + 1.0))  # weights of any shape, from y alone
        out[name + "/dx"] = tf.gradients(tf.reduce_sum(y * w), x)[0]

    kernels = {"bilinear": tf.image.resize_bilinear, "nearest": tf.image.resize_nearest_neighbor,
               "bicubic": tf.image.resize_bicubic, "area": tf.image.resize_area}
    for kernel, fn in kernels.items():
        for align in (False, True):
            for label, size in (("up", [6, 7]), ("down", [3, 2])):
                name = f"{kernel}/{label}" + "/align" * align
                out[name] = fn(x, size, align_corners=align)
                if kernel != "area" and (label == "up" or not align):  # no ResizeAreaGrad
                    grads(name, out[name], x)
            # 26 -> 22 rows: in float32 output row 11 samples row 12, not 13 (11 * 26 / 22)
            out[f"{kernel}/tall" + "/align" * align] = fn(tall, [22, 2], align_corners=align)
        # aligned 6 -> 3 rows and 4 -> 3 columns sample at 2.5 and 1.5: C's roundf, not rint
        out[f"{kernel}/halves/align"] = fn(halves, [3, 3], align_corners=True)
        if kernel != "area":
            for label, size in (("up", [6, 7]), ("down", [3, 2])):
                name = f"{kernel}/{label}/half_pixel"
                out[name] = fn(x, size, half_pixel_centers=True)
                grads(name, out[name], x)

    methods = {"bilinear": tf.image.ResizeMethod.BILINEAR, "area": tf.image.ResizeMethod.AREA,
               "nearest": tf.image.ResizeMethod.NEAREST_NEIGHBOR,
               "bicubic": tf.image.ResizeMethod.BICUBIC}
    for kernel, method in methods.items():
        out[f"resize_images/{kernel}/u8"] = tf.image.resize_images(u8, [4, 5], method)
        out[f"resize_images/{kernel}/3d_f64"] = tf.image.resize_images(f64, [2, 3], method)
        out[f"resize_images/{kernel}/same_u8"] = tf.image.resize_images(u8, [3, 4], method)
    out["resize_images/nearest/i32"] = tf.image.resize_images(
        i32, [5, 2], tf.image.ResizeMethod.NEAREST_NEIGHBOR, align_corners=True)
    out["resize_images/aspect"] = tf.image.resize_images(x, [8, 8], preserve_aspect_ratio=True)
    out["resize/bicubic_align"] = tf.image.resize(rgb, [5, 3], tf.image.ResizeMethod.BICUBIC,
                                                 align_corners=True)
    out["resize_image_with_pad/wide"] = tf.image.resize_image_with_pad(x, 4, 9)
    out["resize_image_with_pad/tall_nearest_u8"] = tf.image.resize_image_with_pad(
        u8, 7, 3, tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    out["resize_image_with_pad/3d"] = tf.image.resize_image_with_pad(f64, 5, 5)

    # flips, rotations, crops, pads
    for name, image in (("4d", x), ("3d", f64)):
        out[f"flip_left_right/{name}"] = tf.image.flip_left_right(image)
        out[f"flip_up_down/{name}"] = tf.image.flip_up_down(image)
        out[f"transpose_image/{name}"] = tf.image.transpose_image(image)
        for k in (1, 2, 3, -1, 6):
            out[f"rot90/{name}/k{k}"] = tf.image.rot90(image, k)
        out[f"central_crop/{name}/0.5"] = tf.image.central_crop(image, 0.5)
        out[f"central_crop/{name}/0.33"] = tf.image.central_crop(image, 0.33)
        out[f"crop_to_bounding_box/{name}"] = tf.image.crop_to_bounding_box(image, 1, 2, 2, 2)
        out[f"pad_to_bounding_box/{name}"] = tf.image.pad_to_bounding_box(image, 1, 2, 6, 7)
        for th, tw in ((2, 7), (6, 3), (5, 6)):
            out[f"resize_image_with_crop_or_pad/{name}/{th}x{tw}"] = (
                tf.image.resize_image_with_crop_or_pad(image, th, tw))
    out["central_crop/4d/0.8"] = tf.image.central_crop(x, 0.8)
    out["crop_to_bounding_box/u8"] = tf.image.crop_to_bounding_box(u8, 0, 1, 3, 2)
    out["pad_to_bounding_box/u8"] = tf.image.pad_to_bounding_box(u8, 2, 0, 5, 5)
    grads("flip_left_right", tf.image.flip_left_right(x), x)
    grads("rot90", tf.image.rot90(x, 3), x)
    grads("transpose_image", tf.image.transpose_image(x), x)
    grads("central_crop", tf.image.central_crop(x, 0.5), x)
    grads("pad_to_bounding_box", tf.image.pad_to_bounding_box(x, 1, 2, 6, 7), x)
    grads("resize_image_with_crop_or_pad", tf.image.resize_image_with_crop_or_pad(x, 6, 3), x)

    # pixel values
    for name, image in (("f32", rgb), ("u8", u8)):
        out[f"adjust_brightness/{name}/up"] = tf.image.adjust_brightness(image, 0.2)
        out[f"adjust_brightness/{name}/down"] = tf.image.adjust_brightness(image, -0.3)
        out[f"adjust_contrast/{name}/1.7"] = tf.image.adjust_contrast(image, 1.7)
        out[f"adjust_contrast/{name}/0.4"] = tf.image.adjust_contrast(image, 0.4)
        out[f"adjust_gamma/{name}"] = tf.image.adjust_gamma(image, 0.5, 1.2)
        out[f"per_image_standardization/{name}"] = tf.image.per_image_standardization(image)
        out[f"rgb_to_grayscale/{name}"] = tf.image.rgb_to_grayscale(image)
        out[f"adjust_hue/{name}/0.3"] = tf.image.adjust_hue(image, 0.3)
        out[f"adjust_hue/{name}/-0.45"] = tf.image.adjust_hue(image, -0.45)
        out[f"adjust_saturation/{name}/0.5"] = tf.image.adjust_saturation(image, 0.5)
        out[f"adjust_saturation/{name}/2.5"] = tf.image.adjust_saturation(image, 2.5)
    out["adjust_contrast/f64"] = tf.image.adjust_contrast(f64, 1.3)
    out["per_image_standardization/uniform"] = tf.image.per_image_standardization(
        given(np.ones([3, 2, 2], np.float32)))
    out["grayscale_to_rgb"] = tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(rgb))
    out["rgb_to_hsv"] = tf.image.rgb_to_hsv(rgb)
    out["rgb_to_hsv/greys"] = tf.image.rgb_to_hsv(given(np.array(
        [[[0, 0, 0], [0.5, 0.5, 0.5], [1, 0.2, 0.2], [0.2, 1, 1]]], np.float32)))
    out["hsv_to_rgb"] = tf.image.hsv_to_rgb(rgb)
    for space in ("yiq", "yuv"):
        out[f"rgb_to_{space}"] = getattr(tf.image, f"rgb_to_{space}")(rgb)
        out[f"{space}_to_rgb"] = getattr(tf.image, f"{space}_to_rgb")(rgb - 0.5)
    dy, dx = tf.image.image_gradients(x)
    out["image_gradients/dy"], out["image_gradients/dx"] = dy, dx
    out["sobel_edges"] = tf.image.sobel_edges(x)
    out["total_variation/4d"] = tf.image.total_variation(x)
    out["total_variation/3d"] = tf.image.total_variation(f64)
    out["psnr/f32"] = tf.image.psnr(rgb, rgb[::-1] * 0.9, 1.0)
    out["psnr/u8"] = tf.image.psnr(u8, u8[:, ::-1], 255)
    grads("sobel_edges", tf.image.sobel_edges(x), x)
    grads("total_variation", tf.image.total_variation(x), x)
    grads("psnr", tf.image.psnr(rgb, rgb[::-1] * 0.9, 1.0), rgb)
    grads("adjust_brightness", tf.image.adjust_brightness(rgb, 0.2), rgb)
    grads("per_image_standardization", tf.image.per_image_standardization(rgb), rgb)
    grads("rgb_to_grayscale", tf.image.rgb_to_grayscale(rgb), rgb)

    # convert_image_dtype, each direction (floats outside [0, 1] show saturation)
    wide = given(_values((2, 5), 3, 7, scale=1.6) - 0.3)
    conversions = {
        "u8_f32": (u8, tf.float32, False), "u8_f64": (u8, tf.float64, False),
        "u8_i32": (u8, tf.int32, False), "u8_i16": (u8, tf.int16, False),
        "i32_u8": (i32 * 40000000, tf.uint8, False), "i32_i16": (i32 * 40000000, tf.int16, True),
        "f32_u8": (rgb, tf.uint8, False), "f32_u8_wide": (wide, tf.uint8, True),
        "f32_i32": (rgb, tf.int32, False), "f32_i16_wide": (wide, tf.int16, True),
        "f32_f16": (rgb, tf.float16, False), "f64_u8": (f64, tf.uint8, True),
    }
    for name, (image, dtype, saturate) in conversions.items():
        out[f"convert_image_dtype/{name}"] = tf.image.convert_image_dtype(image, dtype, saturate)

    names = sorted(out)
    with tf.Session() as sess:
        values = sess.run([out[n] for n in names])
    return dict(zip(names, values))


def main():
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    from emit import print_expected  # beside this script

    print('"""TF1\'s numbers for tests/test_image.py (generated, do not edit)."""\n')
    print_expected("image_program.py", tf.__version__, compute(tf), digits=8, dtypes=True)


if __name__ == "__main__":
    main()
