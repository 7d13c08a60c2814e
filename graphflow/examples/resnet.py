"""The tutorial's ResNet: conv-BN-ReLU blocks with identity shortcuts, global average
pooling and a dense layer, on one random 64x64x3 image with an integer label.

``python -m graphflow.examples.resnet`` builds it, runs the forward pass and the loss,
and the gradients of every variable, and prints their shapes and norms.
"""

import numpy as np

import graphflow as gf


def conv_bn_relu(x, channels, training, name, relu=True):
    """3x3 convolution (no bias: batch norm's offset is the bias), batch norm, ReLU."""
    with gf.variable_scope(name):
        x = gf.layers.conv2d(x, channels, 3, padding="same", use_bias=False)
        x = gf.layers.batch_normalization(x, training=training)
        return gf.nn.relu(x) if relu else x


def residual_block(x, training, name):
    """``relu(x + BN(conv(relu(BN(conv(x))))))``: the identity shortcut keeps the shape."""
    with gf.variable_scope(name):
        channels = x.shape[-1]
        y = conv_bn_relu(x, channels, training, "a")
        y = conv_bn_relu(y, channels, training, "b", relu=False)
        return gf.nn.relu(x + y)


def resnet(images, num_classes=10, channels=16, blocks=2, training=True):
    """Logits for NHWC images: a stem conv, ``blocks`` residual blocks, global average
    pooling and a dense layer."""
    x = conv_bn_relu(images, channels, training, "stem")
    x = gf.layers.max_pooling2d(x, 2, 2)
    for i in range(blocks):
        x = residual_block(x, training, f"block{i + 1}")
    x = gf.reduce_mean(x, axis=[1, 2], name="global_average_pool")
    return gf.layers.dense(x, num_classes, name="logits")


def build(dtype=gf.float32, channels=16, blocks=2, seed=0):
    """The graph: image and label placeholders, logits, loss, and the gradients of every
    trainable variable. Returns ``(image, label, loss, grads_and_vars)``."""
    gf.set_random_seed(seed)
    image = gf.placeholder(dtype, [1, 64, 64, 3], name="image")
    label = gf.placeholder(gf.int32, [1], name="label")
    logits = resnet(image, channels=channels, blocks=blocks)
    loss = gf.losses.sparse_softmax_cross_entropy(label, logits)
    variables = gf.trainable_variables()
    return image, label, loss, list(zip(gf.gradients(loss, variables), variables))


def main(seed=0):
    rng = np.random.default_rng(seed)
    image_value = rng.uniform(0, 1, (1, 64, 64, 3)).astype(np.float32)
    label_value = np.array([rng.integers(10)], np.int32)
    with gf.Graph().as_default():
        image, label, loss, grads_and_vars = build(seed=seed)
        with gf.Session() as sess:
            sess.run(gf.global_variables_initializer())
            loss_value, grads = sess.run([loss, [g for g, _ in grads_and_vars]],
                                         {image: image_value, label: label_value})
    print(f"one 64x64x3 image, label {label_value[0]}: loss {loss_value:.4f}")
    for (_, var), grad in zip(grads_and_vars, grads):
        print(f"  d loss / d {var.op.name:<40} shape {str(grad.shape):<16} "
              f"norm {np.linalg.norm(grad):.4g}")
    return loss_value, grads


if __name__ == "__main__":
    main()
