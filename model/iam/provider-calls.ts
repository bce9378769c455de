/**
 * The AWS API operations hashicorp/aws 5.100.0 (the provider these stacks pin, see DESIGN.md) calls
 * to create, read, update and delete each resource type GlobalApp synthesizes, or will (Route 53 and
 * ACM for routing: route53 / https.issueCertificates). Data, not logic: ./actions.ts turns it into
 * IAM actions, and every operation listed here must be either granted or named there as never used.
 *
 * How it was derived (2026-12-01): `fetch github:hashicorp/terraform-provider-aws` was refused (the
 * repository is 932 MB, over the 524 MB fetch limit), so the list comes from the released provider
 * binary itself, `terraform-provider-aws_v5.100.0_x5` (linux_amd64, registry.terraform.io): the Go
 * function table (.gopclntab) names every function and its source file; the direct calls of each
 * `resource<Type>{Create,Read,Update,Delete}` (and the closures and finders they reach inside the
 * provider) were followed to the AWS SDK client methods, `(*Client).<Operation>` and paginators'
 * `NextPage`. Resources tag through the provider's transparent tagging (interceptors call the service
 * package's `listTags` on read and `updateTags` on create/update), so those operations are added to
 * every taggable type. `source` names the provider file and functions at v5.100.0.
 *
 * Operation names are `<SDK service id>:<API operation>` (the SDK's ids: `elasticloadbalancingv2`,
 * `cloudwatchlogs`), not IAM actions: S3's `HeadBucket` is `s3:ListBucket` in IAM, for example.
 */

/** The operations one resource type's CRUD functions call. */
export interface ProviderCalls {
  /** Provider source file and functions (v5.100.0) the list was read from. */
  readonly source: string;
  readonly create: readonly string[];
  readonly read: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
}

/** The provider version these calls were read from. */
export const PROVIDER_VERSION = "5.100.0";

/**
 * Data sources: `aws_caller_identity` calls STS GetCallerIdentity, which needs no permission (STS
 * answers it for every valid credential); `aws_elb_service_account` answers from a table built into
 * the provider, no API call.
 */
export const DATA_SOURCE_CALLS: Readonly<Record<string, ProviderCalls>> = {
  aws_caller_identity: {
    source: "internal/service/sts/caller_identity_data_source.go (*callerIdentityDataSource).Read: sts:GetCallerIdentity, which needs no IAM permission",
    create: [],
    read: [],
    update: [],
    delete: [],
  },
  aws_elb_service_account: {
    source: "internal/service/elb/service_account_data_source.go dataSourceServiceAccountRead: a built-in table of ELB accounts, no API call",
    create: [],
    read: [],
    update: [],
    delete: [],
  },
};

/** Resource type → the operations its Create, Read, Update and Delete call. */
export const PROVIDER_CALLS: Readonly<Record<string, ProviderCalls>> = {
  aws_acm_certificate: {
    source: "internal/service/acm/certificate.go resourceCertificate{Create,Read,Update,Delete} + transparent tagging",
    create: ["acm:AddTagsToCertificate", "acm:DescribeCertificate", "acm:ImportCertificate", "acm:ListTagsForCertificate", "acm:RemoveTagsFromCertificate", "acm:RequestCertificate"],
    read: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
    update: ["acm:AddTagsToCertificate", "acm:DescribeCertificate", "acm:ImportCertificate", "acm:ListTagsForCertificate", "acm:RemoveTagsFromCertificate", "acm:RenewCertificate", "acm:UpdateCertificateOptions"],
    delete: ["acm:DeleteCertificate"],
  },
  aws_acm_certificate_validation: {
    source: "internal/service/acm/certificate_validation.go resourceCertificateValidation{Create,Read}",
    create: ["acm:DescribeCertificate"],
    read: ["acm:DescribeCertificate"],
    update: [],
    delete: [],
  },
  aws_cloudwatch_dashboard: {
    source: "internal/service/cloudwatch/dashboard.go resourceDashboard{Read,Delete,Put}",
    create: ["cloudwatch:GetDashboard", "cloudwatch:PutDashboard"],
    read: ["cloudwatch:GetDashboard"],
    update: ["cloudwatch:GetDashboard", "cloudwatch:PutDashboard"],
    delete: ["cloudwatch:DeleteDashboards"],
  },
  aws_cloudwatch_log_group: {
    source: "internal/service/logs/group.go resourceGroup{Create,Read,Update,Delete} + transparent tagging",
    create: ["cloudwatchlogs:CreateLogGroup", "cloudwatchlogs:DescribeLogGroups", "cloudwatchlogs:ListTagsForResource", "cloudwatchlogs:PutRetentionPolicy", "cloudwatchlogs:TagResource", "cloudwatchlogs:UntagResource"],
    read: ["cloudwatchlogs:DescribeLogGroups", "cloudwatchlogs:ListTagsForResource"],
    update: ["cloudwatchlogs:AssociateKmsKey", "cloudwatchlogs:DeleteRetentionPolicy", "cloudwatchlogs:DescribeLogGroups", "cloudwatchlogs:DisassociateKmsKey", "cloudwatchlogs:ListTagsForResource", "cloudwatchlogs:PutRetentionPolicy", "cloudwatchlogs:TagResource", "cloudwatchlogs:UntagResource"],
    delete: ["cloudwatchlogs:DeleteLogGroup"],
  },
  aws_cloudwatch_metric_alarm: {
    source: "internal/service/cloudwatch/metric_alarm.go resourceMetricAlarm{Create,Read,Update,Delete} + transparent tagging",
    create: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    update: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    delete: ["cloudwatch:DeleteAlarms"],
  },
  aws_default_security_group: {
    source: "internal/service/ec2/vpc_default_security_group.go resourceDefaultSecurityGroup{Create} + transparent tagging",
    create: ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
    read: ["ec2:DescribeSecurityGroups", "ec2:DescribeTags"],
    update: ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
    delete: [],
  },
  aws_dynamodb_table: {
    source: "internal/service/dynamodb/table.go resourceTable{Create,Read,Update,Delete} + transparent tagging",
    create: ["dynamodb:CreateTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeImport", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ImportTable", "dynamodb:ListTagsOfResource", "dynamodb:RestoreTableToPointInTime", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive"],
    read: ["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"],
    update: ["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive"],
    delete: ["dynamodb:DeleteTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable"],
  },
  aws_dynamodb_table_item: {
    source: "internal/service/dynamodb/table_item.go resourceTableItem{Create,Read,Update,Delete}",
    create: ["dynamodb:GetItem", "dynamodb:PutItem"],
    read: ["dynamodb:GetItem"],
    update: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:UpdateItem"],
    delete: ["dynamodb:DeleteItem"],
  },
  aws_globalaccelerator_accelerator: {
    source: "internal/service/globalaccelerator/accelerator.go resourceAccelerator{Create,Read,Update,Delete} + transparent tagging",
    create: ["globalaccelerator:CreateAccelerator", "globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeAcceleratorAttributes", "globalaccelerator:ListTagsForResource", "globalaccelerator:TagResource", "globalaccelerator:UntagResource", "globalaccelerator:UpdateAcceleratorAttributes"],
    read: ["globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeAcceleratorAttributes", "globalaccelerator:ListTagsForResource"],
    update: ["globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeAcceleratorAttributes", "globalaccelerator:ListTagsForResource", "globalaccelerator:TagResource", "globalaccelerator:UntagResource", "globalaccelerator:UpdateAccelerator", "globalaccelerator:UpdateAcceleratorAttributes"],
    delete: ["globalaccelerator:DeleteAccelerator", "globalaccelerator:DescribeAccelerator", "globalaccelerator:UpdateAccelerator"],
  },
  aws_globalaccelerator_endpoint_group: {
    source: "internal/service/globalaccelerator/endpoint_group.go resourceEndpointGroup{Create,Read,Update,Delete}",
    create: ["globalaccelerator:CreateEndpointGroup", "globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeEndpointGroup", "globalaccelerator:ListCrossAccountResources"],
    read: ["globalaccelerator:DescribeEndpointGroup", "globalaccelerator:ListCrossAccountResources"],
    update: ["globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeEndpointGroup", "globalaccelerator:ListCrossAccountResources", "globalaccelerator:UpdateEndpointGroup"],
    delete: ["globalaccelerator:DeleteEndpointGroup", "globalaccelerator:DescribeAccelerator"],
  },
  aws_globalaccelerator_listener: {
    source: "internal/service/globalaccelerator/listener.go resourceListener{Create,Read,Update,Delete}",
    create: ["globalaccelerator:CreateListener", "globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeListener"],
    read: ["globalaccelerator:DescribeListener"],
    update: ["globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeListener", "globalaccelerator:UpdateListener"],
    delete: ["globalaccelerator:DeleteListener", "globalaccelerator:DescribeAccelerator"],
  },
  aws_iam_role: {
    source: "internal/service/iam/role.go resourceRole{Create,Read,Update,Delete} + transparent tagging",
    create: ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:RemoveRoleFromInstanceProfile", "iam:TagRole", "iam:UntagRole"],
    read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags"],
    update: ["iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"],
    delete: ["iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:RemoveRoleFromInstanceProfile"],
  },
  aws_iam_role_policy: {
    source: "internal/service/iam/role_policy.go resourceRolePolicy{Read,Delete,Put}",
    create: ["iam:GetRolePolicy", "iam:PutRolePolicy"],
    read: ["iam:GetRolePolicy"],
    update: ["iam:GetRolePolicy", "iam:PutRolePolicy"],
    delete: ["iam:DeleteRolePolicy"],
  },
  aws_internet_gateway: {
    source: "internal/service/ec2/vpc_internet_gateway.go resourceInternetGateway{Create,Read,Update,Delete} + transparent tagging",
    create: ["ec2:AttachInternetGateway", "ec2:CreateInternetGateway", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeInternetGateways", "ec2:DescribeTags"],
    read: ["ec2:DescribeInternetGateways", "ec2:DescribeTags"],
    update: ["ec2:AttachInternetGateway", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeInternetGateways", "ec2:DescribeTags", "ec2:DetachInternetGateway"],
    delete: ["ec2:DeleteInternetGateway", "ec2:DescribeInternetGateways", "ec2:DetachInternetGateway"],
  },
  aws_kms_alias: {
    source: "internal/service/kms/alias.go resourceAlias{Create,Read,Update,Delete}",
    create: ["kms:CreateAlias", "kms:ListAliases"],
    read: ["kms:ListAliases"],
    update: ["kms:ListAliases", "kms:UpdateAlias"],
    delete: ["kms:DeleteAlias"],
  },
  aws_kms_key: {
    source: "internal/service/kms/key.go resourceKey{Create,Read,Update,Delete} + transparent tagging",
    create: ["kms:CreateKey", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource"],
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    update: ["kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription"],
    delete: ["kms:DescribeKey", "kms:ScheduleKeyDeletion"],
  },
  aws_lambda_function: {
    source: "internal/service/lambda/function.go resourceFunction{Create,Read,Update,Delete} + transparent tagging",
    create: ["lambda:CreateFunction", "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags", "lambda:ListVersionsByFunction", "lambda:PutFunctionConcurrency", "lambda:TagResource", "lambda:UntagResource"],
    read: ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags", "lambda:ListVersionsByFunction"],
    update: ["lambda:DeleteFunctionCodeSigningConfig", "lambda:DeleteFunctionConcurrency", "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags", "lambda:ListVersionsByFunction", "lambda:PublishVersion", "lambda:PutFunctionCodeSigningConfig", "lambda:PutFunctionConcurrency", "lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
    delete: ["lambda:DeleteFunction", "lambda:GetFunction", "lambda:UpdateFunctionConfiguration"],
  },
  aws_lambda_invocation: {
    source: "internal/service/lambda/invocation.go resourceInvocation{Create,Update,Delete}",
    create: ["lambda:Invoke"],
    read: [],
    update: ["lambda:Invoke"],
    delete: ["lambda:Invoke"],
  },
  aws_lambda_permission: {
    source: "internal/service/lambda/permission.go resourcePermission{Create,Read,Delete}",
    create: ["lambda:AddPermission", "lambda:GetPolicy"],
    read: ["lambda:GetPolicy"],
    update: [],
    delete: ["lambda:GetPolicy", "lambda:RemovePermission"],
  },
  aws_lb: {
    source: "internal/service/elbv2/load_balancer.go resourceLoadBalancer{Create,Read,Update,Delete} + transparent tagging",
    create: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:CreateLoadBalancer", "elasticloadbalancingv2:DescribeCapacityReservation", "elasticloadbalancingv2:DescribeLoadBalancerAttributes", "elasticloadbalancingv2:DescribeLoadBalancers", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:ModifyCapacityReservation", "elasticloadbalancingv2:ModifyIpPools", "elasticloadbalancingv2:ModifyLoadBalancerAttributes", "elasticloadbalancingv2:RemoveTags", "elasticloadbalancingv2:SetIpAddressType", "elasticloadbalancingv2:SetSecurityGroups", "elasticloadbalancingv2:SetSubnets"],
    read: ["elasticloadbalancingv2:DescribeCapacityReservation", "elasticloadbalancingv2:DescribeLoadBalancerAttributes", "elasticloadbalancingv2:DescribeLoadBalancers", "elasticloadbalancingv2:DescribeTags"],
    update: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:DescribeCapacityReservation", "elasticloadbalancingv2:DescribeLoadBalancerAttributes", "elasticloadbalancingv2:DescribeLoadBalancers", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:ModifyCapacityReservation", "elasticloadbalancingv2:ModifyIpPools", "elasticloadbalancingv2:ModifyLoadBalancerAttributes", "elasticloadbalancingv2:RemoveTags", "elasticloadbalancingv2:SetIpAddressType", "elasticloadbalancingv2:SetSecurityGroups", "elasticloadbalancingv2:SetSubnets"],
    delete: ["elasticloadbalancingv2:DeleteLoadBalancer"],
  },
  aws_lb_listener: {
    source: "internal/service/elbv2/listener.go resourceListener{Create,Read,Update,Delete} + transparent tagging",
    create: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:CreateListener", "elasticloadbalancingv2:DescribeListenerAttributes", "elasticloadbalancingv2:DescribeListeners", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:ModifyListenerAttributes", "elasticloadbalancingv2:RemoveTags"],
    read: ["elasticloadbalancingv2:DescribeListenerAttributes", "elasticloadbalancingv2:DescribeListeners", "elasticloadbalancingv2:DescribeTags"],
    update: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:DescribeListenerAttributes", "elasticloadbalancingv2:DescribeListeners", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:ModifyListener", "elasticloadbalancingv2:ModifyListenerAttributes", "elasticloadbalancingv2:RemoveTags"],
    delete: ["elasticloadbalancingv2:DeleteListener"],
  },
  aws_lb_listener_rule: {
    source: "internal/service/elbv2/listener_rule.go resourceListenerRule{Create,Read,Update,Delete} + transparent tagging",
    create: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:CreateRule", "elasticloadbalancingv2:DescribeRules", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:RemoveTags"],
    read: ["elasticloadbalancingv2:DescribeRules", "elasticloadbalancingv2:DescribeTags"],
    update: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:DescribeRules", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:ModifyRule", "elasticloadbalancingv2:RemoveTags", "elasticloadbalancingv2:SetRulePriorities"],
    delete: ["elasticloadbalancingv2:DeleteRule"],
  },
  aws_lb_target_group: {
    source: "internal/service/elbv2/target_group.go resourceTargetGroup{Create,Read,Update,Delete} + transparent tagging",
    create: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:CreateTargetGroup", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:DescribeTargetGroupAttributes", "elasticloadbalancingv2:DescribeTargetGroups", "elasticloadbalancingv2:ModifyTargetGroupAttributes", "elasticloadbalancingv2:RemoveTags"],
    read: ["elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:DescribeTargetGroupAttributes", "elasticloadbalancingv2:DescribeTargetGroups"],
    update: ["elasticloadbalancingv2:AddTags", "elasticloadbalancingv2:DescribeTags", "elasticloadbalancingv2:DescribeTargetGroupAttributes", "elasticloadbalancingv2:DescribeTargetGroups", "elasticloadbalancingv2:ModifyTargetGroup", "elasticloadbalancingv2:ModifyTargetGroupAttributes", "elasticloadbalancingv2:RemoveTags"],
    delete: ["elasticloadbalancingv2:DeleteTargetGroup"],
  },
  aws_lb_target_group_attachment: {
    source: "internal/service/elbv2/target_group_attachment.go resourceAttachment{Create,Read,Delete}",
    create: ["elasticloadbalancingv2:RegisterTargets"],
    read: ["elasticloadbalancingv2:DescribeTargetHealth"],
    update: [],
    delete: ["elasticloadbalancingv2:DeregisterTargets"],
  },
  aws_route53_health_check: {
    source: "internal/service/route53/health_check.go resourceHealthCheck{Create,Read,Update,Delete} + transparent tagging",
    create: ["route53:ChangeTagsForResource", "route53:CreateHealthCheck", "route53:GetHealthCheck", "route53:ListTagsForResource"],
    read: ["route53:GetHealthCheck", "route53:ListTagsForResource"],
    update: ["route53:ChangeTagsForResource", "route53:GetHealthCheck", "route53:ListTagsForResource", "route53:UpdateHealthCheck"],
    delete: ["route53:DeleteHealthCheck"],
  },
  aws_route53_record: {
    source: "internal/service/route53/record.go resourceRecord{Create,Read,Update,Delete}",
    create: ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets"],
    read: ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
    update: ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets"],
    delete: ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets"],
  },
  aws_route_table: {
    source: "internal/service/ec2/vpc_route_table.go resourceRouteTable{Create,Read,Update,Delete} + transparent tagging",
    create: ["ec2:CreateRoute", "ec2:CreateRouteTable", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeTags", "ec2:EnableVgwRoutePropagation"],
    read: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeTags"],
    update: ["ec2:CreateRoute", "ec2:CreateTags", "ec2:DeleteRoute", "ec2:DeleteTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeTags", "ec2:DisableVgwRoutePropagation", "ec2:EnableVgwRoutePropagation", "ec2:ReplaceRoute"],
    delete: ["ec2:DeleteRouteTable", "ec2:DescribeRouteTables", "ec2:DisassociateRouteTable"],
  },
  aws_route_table_association: {
    source: "internal/service/ec2/vpc_route_table_association.go resourceRouteTableAssociation{Create,Read,Update,Delete}",
    create: ["ec2:AssociateRouteTable", "ec2:DescribeRouteTables"],
    read: ["ec2:DescribeRouteTables"],
    update: ["ec2:AssociateRouteTable", "ec2:DescribeRouteTables", "ec2:ReplaceRouteTableAssociation"],
    delete: ["ec2:DescribeRouteTables", "ec2:DisassociateRouteTable"],
  },
  aws_s3_bucket: {
    source: "internal/service/s3/bucket.go resourceBucket{Create,Read,Update,Delete} + transparent tagging",
    create: ["s3:CreateBucket", "s3:DeleteBucketCors", "s3:DeleteBucketEncryption", "s3:DeleteBucketLifecycle", "s3:DeleteBucketPolicy", "s3:DeleteBucketReplication", "s3:DeleteBucketTagging", "s3:DeleteBucketWebsite", "s3:GetBucketAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCors", "s3:GetBucketEncryption", "s3:GetBucketLifecycleConfiguration", "s3:GetBucketLogging", "s3:GetBucketPolicy", "s3:GetBucketReplication", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetObjectLockConfiguration", "s3:HeadBucket", "s3:PutBucketAccelerateConfiguration", "s3:PutBucketAcl", "s3:PutBucketCors", "s3:PutBucketEncryption", "s3:PutBucketLifecycleConfiguration", "s3:PutBucketLogging", "s3:PutBucketPolicy", "s3:PutBucketReplication", "s3:PutBucketRequestPayment", "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutBucketWebsite", "s3:PutObjectLockConfiguration"],
    read: ["s3:GetBucketAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCors", "s3:GetBucketEncryption", "s3:GetBucketLifecycleConfiguration", "s3:GetBucketLogging", "s3:GetBucketPolicy", "s3:GetBucketReplication", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetObjectLockConfiguration", "s3:HeadBucket"],
    update: ["s3:DeleteBucketCors", "s3:DeleteBucketEncryption", "s3:DeleteBucketLifecycle", "s3:DeleteBucketPolicy", "s3:DeleteBucketReplication", "s3:DeleteBucketTagging", "s3:DeleteBucketWebsite", "s3:GetBucketAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCors", "s3:GetBucketEncryption", "s3:GetBucketLifecycleConfiguration", "s3:GetBucketLogging", "s3:GetBucketPolicy", "s3:GetBucketReplication", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetObjectLockConfiguration", "s3:HeadBucket", "s3:PutBucketAccelerateConfiguration", "s3:PutBucketAcl", "s3:PutBucketCors", "s3:PutBucketEncryption", "s3:PutBucketLifecycleConfiguration", "s3:PutBucketLogging", "s3:PutBucketPolicy", "s3:PutBucketReplication", "s3:PutBucketRequestPayment", "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutBucketWebsite", "s3:PutObjectLockConfiguration"],
    delete: ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjects", "s3:HeadBucket", "s3:ListObjectVersions", "s3:PutObjectLegalHold"],
  },
  aws_s3_bucket_lifecycle_configuration: {
    source: "internal/service/s3/bucket_lifecycle_configuration.go (*resourceBucketLifecycleConfiguration).{Create,Read,Update,Delete}",
    create: ["s3:GetBucketLifecycleConfiguration", "s3:PutBucketLifecycleConfiguration"],
    read: ["s3:GetBucketLifecycleConfiguration"],
    update: ["s3:GetBucketLifecycleConfiguration", "s3:PutBucketLifecycleConfiguration"],
    delete: ["s3:DeleteBucketLifecycle", "s3:GetBucketLifecycleConfiguration"],
  },
  aws_s3_bucket_ownership_controls: {
    source: "internal/service/s3/bucket_ownership_controls.go resourceBucketOwnershipControls{Create,Read,Update,Delete}",
    create: ["s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"],
    read: ["s3:GetBucketOwnershipControls"],
    update: ["s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"],
    delete: ["s3:DeleteBucketOwnershipControls", "s3:GetBucketOwnershipControls"],
  },
  aws_s3_bucket_policy: {
    source: "internal/service/s3/bucket_policy.go resourceBucketPolicy{Read,Delete,Put}",
    create: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
    read: ["s3:GetBucketPolicy"],
    update: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
    delete: ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy"],
  },
  aws_s3_bucket_public_access_block: {
    source: "internal/service/s3/bucket_public_access_block.go resourceBucketPublicAccessBlock{Create,Read,Update,Delete}",
    create: ["s3:GetPublicAccessBlock", "s3:PutPublicAccessBlock"],
    read: ["s3:GetPublicAccessBlock"],
    update: ["s3:PutPublicAccessBlock"],
    delete: ["s3:DeletePublicAccessBlock", "s3:GetPublicAccessBlock"],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    source: "internal/service/s3/bucket_server_side_encryption_configuration.go resourceBucketServerSideEncryptionConfiguration{Create,Read,Update,Delete}",
    create: ["s3:GetBucketEncryption", "s3:PutBucketEncryption"],
    read: ["s3:GetBucketEncryption"],
    update: ["s3:GetBucketEncryption", "s3:PutBucketEncryption"],
    delete: ["s3:DeleteBucketEncryption"],
  },
  aws_s3_bucket_versioning: {
    source: "internal/service/s3/bucket_versioning.go resourceBucketVersioning{Create,Read,Update,Delete}",
    create: ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
    read: ["s3:GetBucketVersioning"],
    update: ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
    delete: ["s3:PutBucketVersioning"],
  },
  aws_security_group: {
    source: "internal/service/ec2/vpc_security_group.go resourceSecurityGroup{Create,Read,Update,Delete} + transparent tagging",
    create: ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
    read: ["ec2:DescribeSecurityGroups", "ec2:DescribeTags"],
    update: ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
    delete: ["ec2:DeleteNetworkInterface", "ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DetachNetworkInterface", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
  },
  aws_sns_topic: {
    source: "internal/service/sns/topic.go resourceTopic{Create,Read,Update,Delete} + transparent tagging",
    create: ["sns:CreateTopic", "sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"],
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    update: ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"],
    delete: ["sns:DeleteTopic"],
  },
  aws_sns_topic_subscription: {
    source: "internal/service/sns/topic_subscription.go resourceTopicSubscription{Create,Read,Update,Delete}",
    create: ["sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:Subscribe"],
    read: ["sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"],
    update: ["sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:SetSubscriptionAttributes"],
    delete: ["sns:GetSubscriptionAttributes", "sns:Unsubscribe"],
  },
  aws_subnet: {
    source: "internal/service/ec2/vpc_subnet.go resourceSubnet{Create,Read,Update,Delete} + transparent tagging",
    create: ["ec2:AssociateSubnetCidrBlock", "ec2:CreateSubnet", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSubnets", "ec2:DescribeTags", "ec2:DisassociateSubnetCidrBlock", "ec2:ModifySubnetAttribute"],
    read: ["ec2:DescribeSubnets", "ec2:DescribeTags"],
    update: ["ec2:AssociateSubnetCidrBlock", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeSubnets", "ec2:DescribeTags", "ec2:DisassociateSubnetCidrBlock", "ec2:ModifySubnetAttribute"],
    delete: ["ec2:DeleteNetworkInterface", "ec2:DeleteSubnet", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"],
  },
  aws_vpc: {
    source: "internal/service/ec2/vpc_.go resourceVPC{Create,Read,Update,Delete} + transparent tagging",
    create: ["ec2:CreateTags", "ec2:CreateVpc", "ec2:DeleteTags", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs", "ec2:ModifyVpcAttribute"],
    read: ["ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs"],
    update: ["ec2:AssociateVpcCidrBlock", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeTags", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs", "ec2:DisassociateVpcCidrBlock", "ec2:ModifyVpcAttribute", "ec2:ModifyVpcTenancy"],
    delete: ["ec2:DeleteVpc", "ec2:DescribeVpcs", "ec2:GetIpamPoolAllocations"],
  },
};
