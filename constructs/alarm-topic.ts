import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { policyDocument } from "./lib/iam";

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Provider aliased to the region whose alarms publish here (alarms only publish to same-region topics). */
  readonly provider: AwsProvider;
  /** Topic name, e.g. "globalapp-prod-alarms". */
  readonly name: string;
  /** The account that owns the stack: it administers the key, and only its alarms may use it. */
  readonly accountId: string;
  /** Email address subscribed to the topic (AWS mails a confirmation link first). @default no subscription */
  readonly email?: string;
}

/**
 * An encrypted SNS topic CloudWatch alarms publish to, with an optional email subscription.
 *
 * Encrypted with a customer-managed key, not the AWS-managed `alias/aws/sns`: CloudWatch must call
 * `kms:GenerateDataKey*`/`kms:Decrypt` to publish to an encrypted topic, and the AWS-managed key's
 * policy cannot grant that, so alarms on an `alias/aws/sns` topic silently never notify.
 */
export class AlarmTopic extends Construct {
  /** The topic alarms notify. */
  public readonly topic: SnsTopic;
  /** The topic's key. */
  public readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(props.name)) {
      throw new Error(`AlarmTopic: name "${props.name}" must be 1-256 letters, digits, - or _`);
    }
    if (props.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) {
      throw new Error(`AlarmTopic: email "${props.email}" is not an email address`);
    }
    const { provider } = props;
    this.key = new KmsKey(this, "key", {
      provider,
      description: `${props.name}: SNS encryption for CloudWatch alarm notifications`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // In a key policy, Resource "*" means "this key".
      policy: policyDocument([
        { sid: "AccountAdministersKey", principals: { AWS: [props.accountId] }, actions: ["kms:*"], resources: ["*"] },
        {
          sid: "CloudWatchAlarmsPublish",
          principals: { Service: ["cloudwatch.amazonaws.com"] },
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
      ]),
    });
    this.topic = new SnsTopic(this, "topic", { provider, name: props.name, kmsMasterKeyId: this.key.arn });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "email", { provider, topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
    }
  }
}
