/**
 * The NACK controller's user of each account, as the Kubernetes components use it. The model computes it
 * (components/model/provisioners.ts) for every back end; this module keeps the package's names for it.
 */
export {
  jetStreamProvisioner,
  jetStreamProvisionerName,
  missingProvisionerPermissions,
  withJetStreamProvisioners,
  withProvisionersFor,
} from "../model/provisioners";
