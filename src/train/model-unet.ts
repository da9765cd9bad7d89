import type * as tfTypes from '@tensorflow/tfjs';

/** Patch side the network is trained on; inference pads any plane to a multiple of POOL. */
export const UNET_POOL = 4;

export interface UnetShape {
  /** channels of the first level; the second and the bottleneck double it */
  base: number;
}

/**
 * A two-pooling U-Net (Ronneberger 2015) small enough to train on the pure-JS cpu backend:
 * H plane in, one sigmoid map out (nucleus interior, touching borders cut). Only layers the
 * wasm backend runs (Conv2D, MaxPool, ResizeNearestNeighbor, Concat). Every initialiser gets
 * its own seed derived from `seed`, so training is reproducible.
 */
export function buildNucleusUnet(tf: typeof tfTypes, seed: number, shape: UnetShape = { base: 8 }): tfTypes.LayersModel {
  let k = 0;
  const init = () => tf.initializers.heNormal({ seed: seed * 101 + k++ });
  const conv = (x: tfTypes.SymbolicTensor, filters: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name }).apply(x) as tfTypes.SymbolicTensor;
  const c = shape.base;
  const input = tf.input({ shape: [null, null, 1], name: 'hematoxylin' });
  const e1 = conv(conv(input, c, 'enc1a'), c, 'enc1b');
  const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(e1) as tfTypes.SymbolicTensor;
  const e2 = conv(conv(p1, 2 * c, 'enc2a'), 2 * c, 'enc2b');
  const p2 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(e2) as tfTypes.SymbolicTensor;
  const b = conv(conv(p2, 2 * c, 'bottleneck_a'), 2 * c, 'bottleneck_b');
  const u2 = tf.layers.upSampling2d({ size: [2, 2], name: 'up2' }).apply(b) as tfTypes.SymbolicTensor;
  const d2 = conv(conv(tf.layers.concatenate({ name: 'skip2' }).apply([u2, e2]) as tfTypes.SymbolicTensor, 2 * c, 'dec2a'), 2 * c, 'dec2b');
  const u1 = tf.layers.upSampling2d({ size: [2, 2], name: 'up1' }).apply(d2) as tfTypes.SymbolicTensor;
  const d1 = conv(conv(tf.layers.concatenate({ name: 'skip1' }).apply([u1, e1]) as tfTypes.SymbolicTensor, c, 'dec1a'), c, 'dec1b');
  const out = tf.layers
    .conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + k++ }), name: 'interior' })
    .apply(d1) as tfTypes.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'nuclei_unet' });
}
